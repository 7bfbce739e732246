package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.messaging.TopicReplay;
import dev.conveyor.review.sessions.messaging.SessionRebuilder;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Superset down and back, lifecycle and read-only sessions, a lost race, bad input, every enum,
 * and the view rebuilt from the topic, against the real broker, PostgreSQL and the fake Superset.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionRecoveryIT {

    static final int SALES = 4401;
    static final int VIRTUAL = 4402;
    static final SessionApi OWNER = new SessionApi("olga");

    @Inject
    SessionRebuilder rebuilder;

    @Inject
    ReviewSessionRepository repository;

    @Inject
    TopicReplay replay;

    @Inject
    EntityManager em;

    @BeforeAll
    static void datasets() {
        ObjectNode d = FakeSupersetServer.table(SALES, "sales", "public", "warehouse", "Daily sales");
        FakeSupersetServer.column(d, "day", "DATE", "Day", "Calendar day");
        FakeSupersetServer.metric(d, "units", "SUM(units)", "Units", "Units sold", ",d");
        SessionTestEnvironment.superset().dataset(d);
        ObjectNode v = FakeSupersetServer.virtual(VIRTUAL, "sales_by_region", "public", "warehouse",
                "SELECT region, SUM(units) FROM sales WHERE day > '{{ from_dttm }}' GROUP BY region", true);
        FakeSupersetServer.column(v, "region", "VARCHAR", "Region", "Sales region");
        SessionTestEnvironment.superset().dataset(v);
    }

    @Test
    void supersetDownLeavesAResumableSessionWithASourceIntakeFinding() {
        JsonPath s;
        SessionTestEnvironment.superset().down(true);
        try {
            s = OWNER.created(SALES);
        } finally {
            SessionTestEnvironment.superset().down(false);
        }
        String id = s.getString("session_id");
        assertThat(s.getString("readiness_state")).isEqualTo("recovery_required");
        assertThat(s.getString("recommended_action")).isEqualTo("import_from_superset");
        assertThat(s.getString("current_phase")).isEqualTo("recovery");
        assertThat(s.getString("profile")).isNull();
        assertThat(s.getList("fields")).isEmpty();
        assertThat(s.getString("findings[0].area")).isEqualTo("source_intake");
        assertThat(s.getString("findings[0].severity")).isEqualTo("blocking");
        assertThat(s.getString("findings[0].message")).contains("503");

        s = OWNER.request().post("/review-sessions/{id}/intake", id).then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("profile.dataset_name")).isEqualTo("sales");
        assertThat(s.getString("findings.find { it.area == 'source_intake' }")).isNull();
        assertThat(s.getString("profile.confidence_state")).isEqualTo("mostly_confirmed");
        assertThat(s.getString("fields.find { it.field_name == 'units' }.display_format")).isEqualTo(",d");
    }

    @Test
    void aVirtualSqlLabDatasetKeepsItsSql() {
        JsonPath s = OWNER.created(VIRTUAL);
        assertThat(s.getString("profile.dataset_type")).isEqualTo("sqllab_view");
        assertThat(s.getBoolean("profile.is_sqllab_view")).isTrue();
        assertThat(s.getString("profile.sql")).contains("{{ from_dttm }}");
    }

    @Test
    void pausedSessionsResumeAndArchivedOnesAreReadOnly() {
        String id = OWNER.created(SALES).getString("session_id");
        JsonPath s = OWNER.request().body(Map.of("status", "paused")).post("/review-sessions/{id}/status", id)
                .then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("recommended_action")).isEqualTo("resume_session");
        s = OWNER.request().post("/review-sessions/{id}/resume", id).then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("status")).isEqualTo("active");
        assertThat(s.getString("recommended_action")).isNotEqualTo("resume_session");

        s = OWNER.request().body(Map.of("status", "archived")).post("/review-sessions/{id}/status", id)
                .then().statusCode(200).extract().jsonPath();
        assertThat(s.getString("closed_at")).isNotNull();
        OWNER.request().body(Map.of("description", "late")).patch("/review-sessions/{id}/profile", id).then()
                .statusCode(409).contentType("application/problem+json").body("errors[0].field", equalTo("status"));
        OWNER.request().body(Map.of("status", "active")).post("/review-sessions/{id}/status", id).then()
                .statusCode(409).body("errors[0].field", equalTo("status"));
        OWNER.request().get("/review-sessions/{id}", id).then().statusCode(200);
    }

    @Test
    void twoEditsFromTheSameVersionOneWinsTheOtherGets412() throws Exception {
        JsonPath created = OWNER.created(SALES);
        String id = created.getString("session_id");
        String field = created.getString("fields[0].field_id");
        String etag = "\"" + created.getLong("version") + "\"";
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Integer>> edits = new ArrayList<>();
        for (String label : List.of("A", "B")) {
            edits.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return OWNER.request().header("If-Match", etag).body(Map.of("verbose_name", label))
                        .patch("/review-sessions/{id}/fields/{f}", id, field).statusCode();
            }));
        }
        go.countDown();
        List<Integer> statuses = edits.stream().map(CompletableFuture::join).sorted().toList();
        assertThat(statuses).containsExactly(200, 412);
        assertThat(OWNER.get(id).getLong("version")).isEqualTo(created.getLong("version") + 1);
    }

    static List<Arguments> badInput() {
        return List.of(
                Arguments.of("POST", "", Map.of("environment_id", "nowhere", "source_kind", "dataset_selection",
                        "source_input", "1"), 400, "environment_id"),
                Arguments.of("POST", "", Map.of("environment_id", "test", "source_kind", "dataset_selection",
                        "source_input", "abc"), 400, "source_input"),
                Arguments.of("POST", "", Map.of("environment_id", "test", "source_kind", "carrier_pigeon",
                        "source_input", "1"), 400, "source_kind"),
                Arguments.of("POST", "", Map.of("environment_id", "test", "source_kind", "superset_link",
                        "source_input", "https://bi.example/superset/dashboard/7/"), 400, "source_input"),
                Arguments.of("POST", "", Map.of("environment_id", "test", "source_kind", "dataset_selection",
                        "source_input", ""), 400, "source_input"),
                Arguments.of("PATCH", "/{id}/profile", Map.of("readiness_state", "run_ready"), 400, "readiness_state"),
                Arguments.of("PATCH", "/{id}/profile", Map.of("business_summary_source", "ai_draft"), 400,
                        "business_summary_source"),
                Arguments.of("PATCH", "/{id}/fields/{field}", Map.of("provenance", "manual_override"), 400,
                        "provenance"),
                Arguments.of("PATCH", "/{id}/fields/00000000-0000-0000-0000-000000000000",
                        Map.of("verbose_name", "x"), 404, "field_id"),
                Arguments.of("POST", "/{id}/findings/nope/resolution", Map.of("resolution_state", "resolved"), 404,
                        "finding_id"),
                Arguments.of("POST", "/{id}/findings/{finding}/resolution", Map.of("resolution_state", "fixed"), 400,
                        "resolution_state"),
                Arguments.of("POST", "/{id}/status", Map.of("status", "completed_ish"), 400, "status"),
                Arguments.of("PUT", "/{id}/collaborators/bob", Map.of("role", "admin"), 400, "role"),
                Arguments.of("POST", "/{id}/semantic-sources", Map.of("source_type", "uploaded_file", "format", "xml",
                        "content", "x"), 400, "format"),
                Arguments.of("POST", "/{id}/semantic-sources", Map.of("source_type", "uploaded_file", "format", "json",
                        "content", "{not json"), 400, "content"),
                Arguments.of("POST", "/{id}/semantic-sources", Map.of("source_type", "reference_dataset",
                        "dataset_id", 999999), 400, "dataset_id"),
                Arguments.of("POST", "/{id}/clarification/questions/nope/answer", Map.of("answer_kind", "skipped"),
                        409, "clarification"),
                Arguments.of("POST", "/{id}/exports", Map.of("artifact_type", "documentation", "format", "docx"), 400,
                        "format"),
                Arguments.of("GET", "/00000000-0000-0000-0000-000000000000", null, 404, "session_id"),
                Arguments.of("GET", "/not-a-uuid", null, 404, "session_id"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3} {4}")
    @MethodSource("badInput")
    void badInputIsAProblemNamingTheFieldAndChangesNothing(String method, String path, Map<String, Object> body,
            int status, String field) {
        JsonPath s = OWNER.created(SALES);
        String id = s.getString("session_id");
        String url = "/review-sessions" + path.replace("{id}", id).replace("{field}", s.getString("fields[0].field_id"))
                .replace("{finding}", id);
        var req = OWNER.request().header("If-Match", "\"" + s.getLong("version") + "\"");
        if (body != null) {
            req = req.body(body);
        }
        Response r = req.request(method, url);
        r.then().statusCode(status).contentType("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field")).contains(field);
        assertThat(OWNER.get(id).getLong("version")).isEqualTo(s.getLong("version"));
    }

    @Test
    void everyEnumOfTheSeedIsInTheApiWithExactlyTheSeedsValues() {
        Map<String, List<String>> vocabulary = OWNER.request().get("/review-sessions/vocabulary").then()
                .statusCode(200).extract().jsonPath().getMap("");
        Map<String, List<String>> seed = new LinkedHashMap<>();
        seed.put("SessionStatus", List.of("active", "paused", "completed", "archived", "cancelled"));
        seed.put("SessionPhase", List.of("intake", "recovery", "review", "semantic_review", "clarification",
                "mapping_review", "preview", "launch", "post_run"));
        seed.put("ReadinessState", List.of("empty", "importing", "review_ready", "semantic_source_review_needed",
                "clarification_needed", "clarification_active", "mapping_review_needed", "compiled_preview_ready",
                "partially_ready", "run_ready", "run_in_progress", "completed", "recovery_required"));
        seed.put("RecommendedAction", List.of("import_from_superset", "review_documentation", "apply_semantic_source",
                "start_clarification", "answer_next_question", "approve_mapping", "generate_sql_preview",
                "complete_required_values", "launch_dataset", "resume_session", "export_outputs"));
        seed.put("SourceKind", List.of("superset_link", "dataset_selection"));
        seed.put("CollaboratorRole", List.of("viewer", "reviewer", "approver"));
        seed.put("BusinessSummarySource", List.of("confirmed", "imported", "inferred", "ai_draft", "manual_override"));
        seed.put("ConfidenceState", List.of("confirmed", "mostly_confirmed", "mixed", "low_confidence", "unresolved"));
        seed.put("DatasetType", List.of("table", "virtual", "sqllab_view", "unknown"));
        seed.put("FindingSeverity", List.of("blocking", "warning", "informational"));
        seed.put("FindingArea", List.of("source_intake", "dataset_profile", "semantic_enrichment", "clarification",
                "filter_recovery", "template_mapping", "compiled_preview", "launch", "audit"));
        seed.put("ResolutionState", List.of("open", "resolved", "approved", "skipped", "deferred", "expert_review"));
        seed.put("SemanticSourceType", List.of("uploaded_file", "connected_dictionary", "reference_dataset",
                "neighbor_dataset", "ai_generated"));
        seed.put("TrustLevel", List.of("trusted", "recommended", "candidate", "generated"));
        seed.put("SemanticSourceStatus", List.of("available", "selected", "applied", "rejected", "partial", "failed"));
        seed.put("FieldKind", List.of("column", "metric", "filter_dimension", "parameter"));
        seed.put("FieldProvenance", List.of("dictionary_exact", "reference_imported", "fuzzy_inferred", "ai_generated",
                "manual_override", "unresolved"));
        seed.put("ChangedBy", List.of("system", "user", "agent"));
        seed.put("UserFeedback", List.of("up", "down"));
        seed.put("CandidateMatchType", List.of("exact", "reference", "fuzzy", "generated"));
        seed.put("CandidateStatus", List.of("proposed", "accepted", "rejected", "superseded"));
        seed.put("ClarificationStatus", List.of("pending", "active", "paused", "completed", "cancelled"));
        seed.put("QuestionState", List.of("open", "answered", "skipped", "expert_review", "superseded"));
        seed.put("AnswerKind", List.of("selected", "custom", "skipped", "expert_review"));
        seed.put("ArtifactType", List.of("documentation", "validation_report", "run_summary"));
        seed.put("ArtifactFormat", List.of("json", "markdown", "csv", "pdf"));
        seed.put("FilterSource", List.of("superset_native", "superset_url", "manual", "inferred"));
        seed.put("FilterConfidenceState", List.of("confirmed", "imported", "inferred", "ai_draft", "unresolved"));
        seed.put("FilterRecoveryStatus", List.of("recovered", "partial", "missing", "conflicted"));
        seed.put("VariableKind", List.of("native_filter", "parameter", "derived", "unknown"));
        seed.put("MappingStatus", List.of("unmapped", "proposed", "approved", "overridden", "invalid"));
        seed.put("MappingMethod", List.of("direct_match", "heuristic_match", "semantic_match", "manual_override"));
        seed.put("MappingWarningLevel", List.of("low", "medium", "high"));
        seed.put("ApprovalState", List.of("pending", "approved", "rejected", "not_required"));
        seed.put("PreviewStatus", List.of("pending", "ready", "failed", "stale"));
        seed.put("CompiledBy", List.of("superset"));
        seed.put("LaunchStatus", List.of("started", "success", "failed"));
        assertThat(vocabulary).containsExactlyEntriesOf(seed);
    }

    @Test
    void everyInputEnumValueWalksThroughItsEndpoint() {
        JsonPath s = OWNER.created(VIRTUAL);
        String id = s.getString("session_id");
        String finding = s.getString("findings.find { it.code == 'dataset_description_missing' }.finding_id");
        String field = s.getString("fields[0].field_id");
        for (String state : List.of("resolved", "approved", "skipped", "deferred", "expert_review", "open")) {
            OWNER.request().body(Map.of("resolution_state", state))
                    .post("/review-sessions/{id}/findings/{f}/resolution", id, finding).then().statusCode(200)
                    .body("findings.find { it.finding_id == '" + finding + "' }.resolution_state", equalTo(state));
        }
        for (String role : List.of("viewer", "reviewer", "approver")) {
            OWNER.request().body(Map.of("role", role)).put("/review-sessions/{id}/collaborators/walker", id).then()
                    .statusCode(200).body("collaborators[0].role", equalTo(role));
        }
        for (String feedback : List.of("up", "down")) {
            OWNER.request().body(Map.of("user_feedback", feedback))
                    .put("/review-sessions/{id}/fields/{f}/feedback", id, field).then().statusCode(200)
                    .body("fields[0].user_feedback", equalTo(feedback));
        }
        OWNER.request().body("{\"user_feedback\":null}").put("/review-sessions/{id}/fields/{f}/feedback", id, field)
                .then().statusCode(200).body("fields[0].user_feedback", equalTo(null));
        for (String status : List.of("paused", "active", "completed", "archived")) {
            OWNER.request().body(Map.of("status", status)).post("/review-sessions/{id}/status", id).then()
                    .statusCode(200).body("status", equalTo(status));
        }
        String other = OWNER.created(SALES).getString("session_id");
        OWNER.request().body(Map.of("status", "cancelled")).post("/review-sessions/{id}/status", other).then()
                .statusCode(200).body("status", equalTo("cancelled"));
        // a link that names its dataset is the other source kind
        OWNER.request().body(Map.of("environment_id", "test", "source_kind", "superset_link", "source_input",
                SessionTestEnvironment.superset().baseUrl() + "/explore/?datasource_type=table&datasource_id=" + SALES))
                .post("/review-sessions")
                .then().statusCode(201).body("source_kind", equalTo("superset_link"))
                .body("dataset_id", equalTo(SALES));
    }

    @Test
    void theViewIsRebuiltFromTheTopic() {
        String a = OWNER.created(SALES).getString("session_id");
        OWNER.request().body(Map.of("description", "rebuilt")).patch("/review-sessions/{id}/profile", a).then()
                .statusCode(200);
        String b = OWNER.created(VIRTUAL).getString("session_id");
        String before = OWNER.request().get("/review-sessions/{id}", a).asString()
                + OWNER.request().get("/review-sessions/{id}", b).asString();
        await("every event acknowledged by the broker").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> QuarkusTransaction.requiringNew().call(() -> repository.unpublished(1).isEmpty()));

        int rebuilt = rebuilder.rebuildAll();

        assertThat(rebuilt).isGreaterThanOrEqualTo(2);
        String after = OWNER.request().get("/review-sessions/{id}", a).asString()
                + OWNER.request().get("/review-sessions/{id}", b).asString();
        assertThat(after).isEqualTo(before);
        assertThat(OWNER.request().get("/review-sessions/{id}/events", a).jsonPath().getList("type"))
                .contains("session_started", "intake_completed", "profile_updated");
    }

    @Test
    void aBatchTheRelaySentTwiceRebuildsTheSameSession() {
        String a = OWNER.created(SALES).getString("session_id");
        OWNER.request().body(Map.of("description", "twice")).patch("/review-sessions/{id}/profile", a).then()
                .statusCode(200);
        String before = OWNER.request().get("/review-sessions/{id}", a).asString();
        int logged = OWNER.request().get("/review-sessions/{id}/events", a).jsonPath().getList("type").size();
        await("the relay sent the events, without the request waiting for it").atMost(Duration.ofSeconds(30))
                .until(() -> onTopic(a) == logged);

        // the relay's transaction did not commit after the broker took the batch: the rows are unpublished again
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "update review_session_events set published_at = null where session_id = cast(:id as uuid)")
                .setParameter("id", a).executeUpdate());
        await("sent twice").atMost(Duration.ofSeconds(30)).until(() -> onTopic(a) == 2L * logged);

        rebuilder.rebuildAll();

        assertThat(OWNER.request().get("/review-sessions/{id}", a).asString()).isEqualTo(before);
        assertThat(OWNER.request().get("/review-sessions/{id}/events", a).jsonPath().getList("seq"))
                .hasSize(logged).doesNotHaveDuplicates();
    }

    private long onTopic(String sessionId) {
        long[] n = {0};
        replay.replayAll(Topics.REVIEW_SESSION_EVENTS, batch -> batch.forEach(e -> {
            if (e.getSessionId().equals(sessionId)) {
                n[0]++;
            }
        }));
        return n[0];
    }
}
