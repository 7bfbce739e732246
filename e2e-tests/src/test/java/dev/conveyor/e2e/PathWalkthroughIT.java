package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

import dev.conveyor.local.Database;
import dev.conveyor.local.LlmEndpoint;
import dev.conveyor.local.LocalStack;
import dev.conveyor.testing.FakeOpenAiServer;
import dev.conveyor.testing.FakeOpenAiServer.Reply;

/**
 * A whole research Path (seed 002) over three protocols through the packaged services: the
 * person's steps over REST, the AI's through review-service, conveyor.llm-tasks, the worker and
 * the fake model, and back. Only the model is a stand-in.
 */
class PathWalkthroughIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String WORKFLOW = """
            {"name": "CO2 to methanol",
             "protocols_info": [
              {"protocol_index": 0, "protocol_id": "synthesis", "protocol_version": "1.0.0", "airalogy_protocol_id": null,
               "protocol_data": {"markdown": "# Synthesis\\nCo-precipitate Cu/ZnO and calcine it.", "model": null,
                 "assigner": null, "field_json_schema": {"type": "object", "required": ["temperature_c"],
                   "properties": {"temperature_c": {"type": "number"}, "solvent": {"type": "string"}}}}},
              {"protocol_index": 1, "protocol_id": "xrd", "protocol_version": "1.0.0", "airalogy_protocol_id": null,
               "protocol_data": {"markdown": "# XRD\\nMeasure the crystal phases.", "model": null, "assigner": null,
                 "field_json_schema": {"type": "object"}}},
              {"protocol_index": 2, "protocol_id": "activity", "protocol_version": "1.0.0", "airalogy_protocol_id": null,
               "protocol_data": {"markdown": "# Activity\\nMeasure methanol yield in a flow reactor.", "model": null,
                 "assigner": null, "field_json_schema": {"type": "object"}}}]}""";

    private static FakeOpenAiServer model;
    private static LocalStack stack;
    private static final AtomicInteger NEXT_PROTOCOL_CALLS = new AtomicInteger();

    @BeforeAll
    static void startPlatform() {
        model = FakeOpenAiServer.start(PathWalkthroughIT::answer);
        Path root = Path.of(System.getProperty("conveyor.repo.root", "..")).toAbsolutePath().normalize();
        stack = LocalStack.start(root, Optional.of(new LlmEndpoint(model.baseUrl(), "test-key", "fake-model")),
                Database.embedded(), root.resolve("e2e-tests/target/path-stack"), System.out::println);
    }

    @AfterAll
    static void stopPlatform() {
        if (stack != null) {
            stack.close();
        }
        if (model != null) {
            model.close();
        }
    }

    /** The fake model: one answer per step kind; the first next-protocol answer names no protocol of the workflow. */
    static Reply answer(FakeOpenAiServer.ChatRequest request) {
        String text = request.allText();
        if (text.contains("Choose the protocol to apply next")) {
            int call = NEXT_PROTOCOL_CALLS.incrementAndGet();
            return Reply.answer(switch (call) {
                case 1 -> "{\"thought\": \"start with protocol 7\", \"end_path\": false, \"protocol_index\": 7}";
                case 2 -> "{\"thought\": \"make the catalyst first\", \"end_path\": false, \"protocol_index\": 0}";
                case 3 -> "{\"thought\": \"now test its activity\", \"end_path\": false, \"protocol_index\": 2}";
                default -> "{\"thought\": \"the goal is reached\", \"end_path\": true, \"protocol_index\": null}";
            });
        }
        if (text.contains("Decide whether the research goal is researchable")) {
            return Reply.answer("{\"thought\": \"all three protocols bear on it\", \"researchable\": true, "
                    + "\"strategy\": \"Synthesize, characterize, then measure activity\"}");
        }
        if (text.contains("Propose initial values")) {
            return Reply.answer("{\"thought\": \"typical conditions\", \"values\": {\"temperature_c\": 350}}");
        }
        if (text.contains("Summarize the research conclusions up to")) {
            return Reply.answer("{\"conclusion\": \"The catalyst formed as expected.\"}");
        }
        if (text.contains("Summarize the final research conclusion")) {
            return Reply.answer("{\"conclusion\": \"Cu/ZnO at 250 C gives the best methanol yield.\"}");
        }
        return Reply.error(400, "unexpected prompt");
    }

    @Test
    void shouldWalkAPathMixingAiAndPersonStepsThroughTheRunningServices() throws Exception {
        String review = stack.service(LocalStack.REVIEW).url();
        String workflowId = call("POST", review + "/research-workflows", null, WORKFLOW, 201).body()
                .path("workflow_id").asText();
        Answer started = call("POST", review + "/paths", null, "{\"workflow_id\": \"" + workflowId + "\"}", 201);
        String pathId = started.body().path("path_id").asText();
        String paths = review + "/paths/" + pathId;
        String etag = started.etag();

        etag = call("POST", paths + "/steps", etag, step("add_research_goal", "user",
                "{\"thought\": null, \"goal\": \"A catalyst that makes methanol from CO2\"}"), 201).etag();
        etag = ai(paths, etag, "add_research_strategy");
        etag = ai(paths, etag, "add_next_protocol"); // the model's first answer is refused and re-asked
        etag = ai(paths, etag, "add_initial_values_for_fields_in_next_protocol");
        // the person corrects the AI's initial values: a supervision signal
        etag = call("PUT", paths + "/steps/3", etag, "{\"data\": {\"thought\": \"typical conditions\", "
                + "\"values\": {\"temperature_c\": 250, \"solvent\": \"water\"}}}", 200).etag();
        etag = call("POST", paths + "/steps", etag, record(0), 201).etag();
        etag = ai(paths, etag, "add_phased_research_conclusion");
        etag = call("POST", paths + "/steps", etag, step("add_next_protocol", "user",
                "{\"thought\": null, \"end_path\": false, \"protocol_index\": 1}"), 201).etag();
        etag = call("POST", paths + "/steps", etag, record(1), 201).etag(); // no initial values, no conclusion
        etag = ai(paths, etag, "add_next_protocol");
        etag = call("POST", paths + "/steps", etag, record(2), 201).etag();
        etag = ai(paths, etag, "add_next_protocol");
        assertThat(call("GET", paths, null, null, 200).body().path("path_status").asText())
                .isEqualTo("end_after_selecting_next_protocol");
        etag = call("POST", paths + "/confirm-ending", etag, null, 200).etag();
        ai(paths, etag, "add_final_research_conclusion");

        JsonNode path = call("GET", paths, null, null, 200).body();
        assertThat(path.path("path_status").asText()).isEqualTo("completed");
        List<String> modes = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        path.path("steps").forEach(s -> {
            modes.add(s.path("step").asText() + ":" + s.path("mode").asText());
            indexes.add(s.path("path_index").asInt());
        });
        assertThat(modes).containsExactly("add_research_goal:user", "add_research_strategy:ai",
                "add_next_protocol:ai", "add_initial_values_for_fields_in_next_protocol:user", "record_protocol:user",
                "add_phased_research_conclusion:ai", "add_next_protocol:user", "record_protocol:user",
                "add_next_protocol:ai", "record_protocol:user", "add_next_protocol:ai",
                "add_final_research_conclusion:ai");
        assertThat(indexes).containsExactly(0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4);
        assertThat(path.path("steps").get(2).path("data").path("protocol_index").asInt()).isZero();
        assertThat(NEXT_PROTOCOL_CALLS.get()).as("the invalid answer was re-asked").isEqualTo(4);

        JsonNode feedback = call("GET", paths + "/feedback", null, null, 200).body();
        assertThat(feedback.path("items")).hasSize(1);
        assertThat(feedback.path("items").get(0).path("ai").path("values").path("temperature_c").asInt()).isEqualTo(350);
        assertThat(feedback.path("items").get(0).path("human").path("values").path("temperature_c").asInt())
                .isEqualTo(250);

        JsonNode record = call("GET", paths + "/record", null, null, 200).body();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("json-schema/path-record.schema.json")) {
            assertThat(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(JSON.readTree(in), SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build())
                    .validate(record)).isEmpty();
        }
        assertThat(record.path("data").path("workflow").path(workflowId).path("path_data").path("steps")).hasSize(12);
        // the AI's tasks are metered under the Path but kept out of the workflow-run Result table
        assertThat(call("GET", review + "/workflows/" + workflowId + "/results", null, null, 200).body()
                .path("total").asLong()).isZero();
    }

    /** Asks for the AI's step and waits until it is applied; returns the Path's new ETag. */
    private static String ai(String paths, String etag, String expectedStep) throws Exception {
        Answer accepted = call("POST", paths + "/ai-step", etag, null, 202);
        assertThat(accepted.body().path("step").asText()).isEqualTo(expectedStep);
        String location = accepted.location();
        JsonNode done = await("AI " + expectedStep).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(() -> call("GET", location.startsWith("http") ? location
                        : paths.substring(0, paths.indexOf("/paths/")) + location, null, null, 200).body(),
                        r -> !"pending".equals(r.path("state").asText()));
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("applied");
        return call("GET", paths, null, null, 200).etag();
    }

    private static String step(String step, String mode, String data) {
        return "{\"step\": \"" + step + "\", \"mode\": \"" + mode + "\", \"data\": " + data + "}";
    }

    private static String record(int protocolIndex) {
        String id = UUID.randomUUID().toString();
        return step("record_protocol", "user", "{\"protocol_index\": " + protocolIndex + ", \"record_id\": \"" + id
                + "\", \"record_version\": 1, \"airalogy_record_id\": \"airalogy.id.record." + id + ".v.1\"}");
    }

    private record Answer(JsonNode body, String etag, String location) {
    }

    private static Answer call(String method, String url, String ifMatch, String body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + url + ": " + response.body()).isEqualTo(expected);
        return new Answer(response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body()),
                response.headers().firstValue("ETag").orElse(null),
                response.headers().firstValue("Location").orElse(null));
    }
}
