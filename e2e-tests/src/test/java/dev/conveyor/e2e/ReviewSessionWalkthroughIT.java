package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.local.Database;
import dev.conveyor.local.LlmEndpoint;
import dev.conveyor.local.LocalStack;
import dev.conveyor.testing.FakeOpenAiServer;
import dev.conveyor.testing.FakeOpenAiServer.Reply;
import dev.conveyor.testing.FakeSupersetDashboards;
import dev.conveyor.testing.FakeSupersetServer;

/**
 * A dataset review session (seed 004) through the packaged services: intake from the fake
 * Superset, a person's field edit, the AI's business summary and clarification questions through
 * review-service, conveyor.llm-tasks, the worker and the fake model and back, the questions
 * answered, readiness moving, and an export downloaded. Only Superset and the model are stand-ins;
 * the test signs its own bearer tokens with a key whose public half review-service trusts.
 */
class ReviewSessionWalkthroughIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ENVIRONMENT = "e2e";
    private static final String ISSUER = "https://auth.conveyor.e2e";
    private static final String SUPERSET_USER = "conveyor-reader";
    private static final int DATASET = 7301;
    private static final Pattern TOPIC = Pattern.compile("\"field_name\":\"([A-Za-z0-9_]+)\"");

    private static FakeOpenAiServer model;
    private static FakeSupersetServer superset;
    private static LocalStack stack;
    private static KeyPair keys;
    private static final AtomicInteger QUESTION_CALLS = new AtomicInteger();

    @BeforeAll
    static void startPlatform() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        // made up per run: nothing to keep secret in the repository
        String password = "pw-" + ProcessHandle.current().pid();
        superset = FakeSupersetServer.start(SUPERSET_USER, password);
        ObjectNode d = FakeSupersetServer.table(DATASET, "tickets", "support", "warehouse",
                "Support tickets, one row per ticket");
        FakeSupersetServer.column(d, "ticket_id", "BIGINT", "Ticket", "Support ticket number");
        FakeSupersetServer.column(d, "sla_breach", "BOOLEAN", null, null);
        FakeSupersetServer.column(d, "prio_cd", "VARCHAR", null, null);
        superset.dataset(d);
        model = FakeOpenAiServer.start(ReviewSessionWalkthroughIT::answer);
        Path root = Path.of(System.getProperty("conveyor.repo.root", "..")).toAbsolutePath().normalize();
        stack = LocalStack.start(root, Optional.of(new LlmEndpoint(model.baseUrl(), "test-key", "fake-model")),
                Database.embedded(), root.resolve("e2e-tests/target/review-session-stack"), System.out::println, Map.of(),
                Map.of(LocalStack.REVIEW, new LocalStack.Settings(Map.of(
                        "mp.jwt.verify.publickey", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()),
                        "mp.jwt.verify.issuer", ISSUER,
                        "conveyor.superset.environments." + ENVIRONMENT + ".base-url", superset.baseUrl(),
                        "conveyor.superset.environments." + ENVIRONMENT + ".username", SUPERSET_USER),
                        // the password as a Secret would give it: through the environment (single underscores:
                        // the key e2e is unquoted in the properties above, and __E2E__ would name "e2e", another key)
                        Map.of("CONVEYOR_SUPERSET_ENVIRONMENTS_E2E_PASSWORD", password))));
    }

    @AfterAll
    static void stopPlatform() {
        if (stack != null) {
            stack.close();
        }
        if (model != null) {
            model.close();
        }
        if (superset != null) {
            superset.close();
        }
    }

    /** The fake model: a summary, and questions about the topics it is sent (the first answer breaks a rule). */
    static Reply answer(FakeOpenAiServer.ChatRequest request) {
        try {
            return reply(request.allText());
        } catch (RuntimeException e) {
            // a bug of this stand-in shows in the request's error instead of a closed connection
            return Reply.error(500, "fake model: " + e);
        }
    }

    private static Reply reply(String text) {
        if (text.contains("Write a business summary")) {
            return Reply.answer("{\"business_summary\": \"One row per support ticket, with whether it missed its "
                    + "service-level deadline and its priority.\"}");
        }
        int topicsAt = text.indexOf("Topics:");
        if (text.contains("Write one clarification question for each topic") && topicsAt >= 0) {
            Set<String> topics = new LinkedHashSet<>();
            Matcher m = TOPIC.matcher(text.substring(topicsAt));
            while (m.find()) {
                topics.add(m.group(1));
            }
            boolean first = QUESTION_CALLS.incrementAndGet() == 1;
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode questions = answer.putArray("questions");
            int priority = 90;
            for (String field : topics) {
                ObjectNode q = questions.addObject();
                q.put("field_name", field);
                q.put("question", "What does " + field + " tell a support lead?");
                q.put("why_it_matters", "Dashboards group tickets by " + field + ".");
                q.putNull("current_guess");
                q.put("priority", priority--);
                ArrayNode options = q.putArray("options");
                options.addObject().put("label", "Meaning A").put("value", "The " + field + " as the SLA policy defines it")
                        .put("is_recommended", true);
                // the first answer recommends both options: the worker's schema check has the model try again
                options.addObject().put("label", "Meaning B").put("value", "A legacy " + field + " flag")
                        .put("is_recommended", first);
            }
            return Reply.answer(answer.toString());
        }
        return Reply.error(400, "unexpected prompt");
    }

    @Test
    void shouldReviewADatasetWithAiWorkThroughTheRunningServices() throws Exception {
        String review = stack.service(LocalStack.REVIEW).url();
        String alice = token("alice");

        Answer created = call("POST", review + "/review-sessions", alice, null, "{\"environment_id\": \"" + ENVIRONMENT
                + "\", \"source_kind\": \"dataset_selection\", \"source_input\": \"" + DATASET + "\"}", 201);
        JsonNode s = created.body();
        String sessions = review + "/review-sessions/" + s.path("session_id").asText();
        assertThat(s.path("profile").path("dataset_name").asText()).isEqualTo("tickets");
        assertThat(fieldNamed(s, "ticket_id").path("provenance").asText()).isEqualTo("reference_imported");
        assertThat(s.path("readiness_state").asText()).isEqualTo("clarification_needed");
        // nobody else may see it
        call("GET", sessions, token("mallory"), null, null, 404);

        // a person documents one field: locked, its finding resolved by the system
        String prio = fieldNamed(s, "prio_cd").path("field_id").asText();
        s = call("PATCH", sessions + "/fields/" + prio, alice, created.etag(),
                "{\"verbose_name\": \"Priority\", \"description\": \"P1 to P4, P1 most urgent\"}", 200).body();
        assertThat(fieldNamed(s, "prio_cd").path("is_locked").asBoolean()).isTrue();
        assertThat(fieldNamed(s, "prio_cd").path("provenance").asText()).isEqualTo("manual_override");

        // the AI's business summary draft
        call("POST", sessions + "/ai-requests", alice, null, "{\"process_name\": \"business_summary\"}", 202);
        s = awaitRequest(sessions, alice, "business_summary");
        assertThat(s.path("profile").path("business_summary_source").asText()).isEqualTo("ai_draft");
        assertThat(s.path("profile").path("business_summary").asText()).startsWith("One row per support ticket");

        // clarification questions, written by the model (re-asked once by the worker)
        Answer asked = call("POST", sessions + "/clarification", alice, null, null, 202);
        assertThat(asked.body().path("readiness_state").asText()).isEqualTo("clarification_needed");
        s = awaitRequest(sessions, alice, "clarification_questions");
        assertThat(QUESTION_CALLS.get()).as("the invalid questions were re-asked").isEqualTo(2);
        assertThat(s.path("readiness_state").asText()).isEqualTo("clarification_active");
        assertThat(s.path("recommended_action").asText()).isEqualTo("answer_next_question");
        JsonNode questions = s.path("clarification").path("questions");
        assertThat(questions).hasSize(1); // prio_cd is documented by a person: only sla_breach is open
        JsonNode question = questions.get(0);
        assertThat(question.path("question_text").asText()).isEqualTo("What does sla_breach tell a support lead?");
        assertThat(question.path("topic_ref").asText()).isEqualTo(fieldNamed(s, "sla_breach").path("field_id").asText());
        List<Boolean> recommended = new ArrayList<>();
        question.path("options").forEach(o -> recommended.add(o.path("is_recommended").asBoolean()));
        assertThat(recommended).containsExactly(true, false);

        // answered with the recommended option: the field takes it, the clarification completes
        s = call("POST", sessions + "/clarification/questions/" + question.path("question_id").asText() + "/answer",
                alice, null, "{\"answer_kind\": \"selected\", \"answer_value\": \"The sla_breach as the SLA policy "
                        + "defines it\"}", 200).body();
        assertThat(s.path("clarification").path("status").asText()).isEqualTo("completed");
        assertThat(fieldNamed(s, "sla_breach").path("verbose_name").asText())
                .isEqualTo("The sla_breach as the SLA policy defines it");
        assertThat(s.path("readiness_state").asText()).isEqualTo("compiled_preview_ready");
        assertThat(s.path("recommended_action").asText()).isEqualTo("generate_sql_preview");

        // the documentation, downloaded
        Answer export = call("POST", sessions + "/exports", alice, null,
                "{\"artifact_type\": \"documentation\", \"format\": \"markdown\"}", 201);
        HttpResponse<String> content = send("GET", sessions + "/exports/" + export.body().path("artifact_id").asText()
                + "/content", alice, null, null);
        assertThat(content.statusCode()).isEqualTo(200);
        assertThat(content.body()).contains("tickets").contains("The sla_breach as the SLA policy defines it")
                .contains("One row per support ticket");

        // Superset compiles the SQL that would run, then it runs in SQL Lab, with the audit record of what ran
        s = call("POST", sessions + "/preview", alice, null, "{}", 200).body();
        JsonNode preview = s.path("previews").get(s.path("previews").size() - 1);
        assertThat(preview.path("preview_status").asText()).isEqualTo("ready");
        assertThat(preview.path("compiled_by").asText()).isEqualTo("superset");
        String compiled = preview.path("compiled_sql").asText();
        assertThat(compiled).contains("tickets");
        assertThat(s.path("readiness_state").asText()).isEqualTo("run_ready");
        s = call("POST", sessions + "/launch", alice, null, "{}", 200).body();
        JsonNode launched = s.path("run_contexts").get(s.path("run_contexts").size() - 1);
        assertThat(launched.path("launch_status").asText()).isEqualTo("success");
        assertThat(launched.path("preview_id").asText()).isEqualTo(preview.path("preview_id").asText());
        assertThat(superset.sqlLab().executed()).last()
                .satisfies(ran -> assertThat(ran.path("sql").asText()).isEqualTo(compiled));
        assertThat(s.path("readiness_state").asText()).isEqualTo("completed");

        // the model was called through the worker for exactly these tasks
        assertThat(model.requests()).hasSize(3);
    }

    @Test
    void shouldRecoverADashboardLinksFiltersAndRefuseOtherHosts() throws Exception {
        String review = stack.service(LocalStack.REVIEW).url();
        String alice = token("alice");
        superset.dashboards().dashboard(73, "tickets-board", "Tickets", List.of(DATASET), List.of(
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-prio", "Priority", "filter_select", DATASET,
                        "prio_cd", false, null),
                FakeSupersetDashboards.nativeFilter("NATIVE_FILTER-sla", "SLA", "filter_select", DATASET,
                        "sla_breach", true, null)));
        superset.dashboards().filterState(73, "k73", FakeSupersetDashboards.dataMask(List.of(
                FakeSupersetDashboards.maskEntry("NATIVE_FILTER-prio", "filter_select", "prio_cd",
                        JSON.createArrayNode().add("P1")))));

        JsonNode s = call("POST", review + "/review-sessions", alice, null, "{\"environment_id\": \"" + ENVIRONMENT
                + "\", \"source_kind\": \"superset_link\", \"source_input\": \"" + superset.baseUrl()
                + "/superset/dashboard/tickets-board/?native_filters_key=k73\"}", 201).body();
        assertThat(s.path("dataset_id").asInt()).isEqualTo(DATASET);
        assertThat(s.path("dashboard_id").asInt()).isEqualTo(73);
        assertThat(s.path("profile").path("dataset_name").asText()).isEqualTo("tickets");
        JsonNode prio = s.path("imported_filters").get(0);
        assertThat(prio.path("filter_name").asText()).isEqualTo("prio_cd");
        assertThat(prio.path("normalized_value").asText()).as("single-select: the value").isEqualTo("P1");
        assertThat(prio.path("recovery_status").asText()).isEqualTo("recovered");
        assertThat(s.path("imported_filters").get(1).path("recovery_status").asText()).isEqualTo("missing");

        int before = superset.requestCount();
        String port = superset.baseUrl().substring(superset.baseUrl().lastIndexOf(':') + 1);
        JsonNode refused = call("POST", review + "/review-sessions", alice, null, "{\"environment_id\": \""
                + ENVIRONMENT + "\", \"source_kind\": \"superset_link\", \"source_input\": \"http://127.0.0.1:" + port
                + "/superset/dashboard/73/\"}", 400).body();
        assertThat(refused.path("errors").get(0).path("field").asText()).isEqualTo("source_input");
        assertThat(superset.requestCount()).as("nothing reached Superset").isEqualTo(before);
    }

    /** Waits until the session's request for this process is answered and applied; returns the session. */
    private static JsonNode awaitRequest(String sessions, String token, String process) {
        JsonNode s = await(process).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("GET", sessions, token, null, null, 200).body(), x -> {
                    for (JsonNode r : x.path("ai_requests")) {
                        if (process.equals(r.path("process_name").asText())
                                && !"requested".equals(r.path("status").asText())) {
                            return true;
                        }
                    }
                    return false;
                });
        for (JsonNode r : s.path("ai_requests")) {
            if (process.equals(r.path("process_name").asText())) {
                assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("completed");
            }
        }
        return s;
    }

    private static JsonNode fieldNamed(JsonNode session, String name) {
        for (JsonNode f : session.path("fields")) {
            if (name.equals(f.path("field_name").asText())) {
                return f;
            }
        }
        throw new AssertionError("no field " + name + " in " + session);
    }

    /** An RS256 bearer token for {@code user}, signed with the key review-service trusts. */
    private static String token(String user) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(JSON.writeValueAsBytes(Map.of("iss", ISSUER, "sub", user, "upn", user,
                "iat", now, "exp", now + 3600)));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(keys.getPrivate());
        rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64.encodeToString(rsa.sign());
    }

    private record Answer(JsonNode body, String etag) {
    }

    private static Answer call(String method, String url, String token, String ifMatch, String body, int expected)
            throws IOException, InterruptedException {
        HttpResponse<String> response = send(method, url, token, ifMatch, body);
        assertThat(response.statusCode()).as(method + " " + url + ": " + response.body()).isEqualTo(expected);
        return new Answer(response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body()),
                response.headers().firstValue("ETag").orElse(null));
    }

    private static HttpResponse<String> send(String method, String url, String token, String ifMatch, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
