package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.service.ClarificationService;
import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Semantic enrichment, the manual intent invariant, clarification with a crash between its steps,
 * and exports, against the real broker, PostgreSQL and the fake Superset.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionEnrichmentIT {

    static final int SHOP = 4301;
    static final int REFERENCE = 4302;
    static final SessionApi OWNER = new SessionApi("erin");
    static final String DICTIONARY = """
            field_name,verbose_name,description,display_format
            order_total,Order total,"Gross amount, VAT included",",.2f"
            customer_regions,Customer region,Sales region of the buyer,
            """;

    @Inject
    ClarificationService clarification;

    @BeforeAll
    static void datasets() {
        ObjectNode shop = FakeSupersetServer.table(SHOP, "shop_orders", "sales", "warehouse", "Web shop orders");
        FakeSupersetServer.column(shop, "order_total", "NUMERIC", null, null);
        FakeSupersetServer.column(shop, "customer_region", "VARCHAR", null, null);
        FakeSupersetServer.column(shop, "channel", "VARCHAR", null, null);
        SessionTestEnvironment.superset().dataset(shop);
        ObjectNode ref = FakeSupersetServer.table(REFERENCE, "orders_curated", "gold", "warehouse", "Curated");
        FakeSupersetServer.column(ref, "channel", "VARCHAR", "Sales channel", "web, app or store");
        FakeSupersetServer.column(ref, "order_total", "NUMERIC", "Total", "Net amount");
        SessionTestEnvironment.superset().dataset(ref);
    }

    @AfterEach
    void noCrash() {
        clarification.afterAnswerRecorded(null);
    }

    JsonPath addDictionary(String id) {
        return OWNER.request().body(Map.of("source_type", "uploaded_file", "format", "csv", "content", DICTIONARY,
                "display_name", "shop dictionary")).post("/review-sessions/{id}/semantic-sources", id)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aDictionaryProposesExactAndFuzzyCandidatesAndApplyingKeepsFuzzyForReview() {
        String id = OWNER.created(SHOP).getString("session_id");
        JsonPath s = addDictionary(id);
        assertThat(s.getString("semantic_sources[0].status")).isEqualTo("available");
        assertThat(s.getString("semantic_sources[0].trust_level")).isEqualTo("trusted");
        assertThat(s.getFloat("semantic_sources[0].schema_overlap_score")).isEqualTo(0.667f);
        assertThat(s.getString("readiness_state")).isEqualTo("semantic_source_review_needed");
        assertThat(s.getString("recommended_action")).isEqualTo("apply_semantic_source");
        assertThat(s.getString("fields.find { it.field_name == 'order_total' }.candidates[0].match_type"))
                .isEqualTo("exact");
        assertThat(s.getString("fields.find { it.field_name == 'customer_region' }.candidates[0].match_type"))
                .isEqualTo("fuzzy");
        String sourceId = s.getString("semantic_sources[0].source_id");

        s = OWNER.request().post("/review-sessions/{id}/semantic-sources/{s}/apply", id, sourceId).then()
                .statusCode(200).extract().jsonPath();
        assertThat(s.getString("semantic_sources[0].status")).isEqualTo("applied");
        Map<String, Object> total = s.getMap("fields.find { it.field_name == 'order_total' }");
        assertThat(total).containsEntry("verbose_name", "Order total").containsEntry("display_format", ",.2f")
                .containsEntry("provenance", "dictionary_exact").containsEntry("needs_review", false)
                .containsEntry("confidence_rank", 1);
        Map<String, Object> region = s.getMap("fields.find { it.field_name == 'customer_region' }");
        assertThat(region).containsEntry("provenance", "fuzzy_inferred").containsEntry("needs_review", true);
        // fuzzy values wait for a person: still semantic review
        assertThat(s.getString("readiness_state")).isEqualTo("semantic_source_review_needed");
        // the order_total finding was resolved by the system once it had a label and description
        String totalId = (String) total.get("field_id");
        assertThat(s.getString("findings.find { it.caused_by_ref == '" + totalId + "' }.resolution_state"))
                .isEqualTo("resolved");

        s = OWNER.request().post("/review-sessions/{id}/fields/{f}/confirm", id, region.get("field_id")).then()
                .statusCode(200).extract().jsonPath();
        assertThat(s.getBoolean("fields.find { it.field_name == 'customer_region' }.needs_review")).isFalse();
    }

    @Test
    void aManualValueIsLockedAndLaterSourcesOnlyRecordCandidates() {
        String id = OWNER.created(SHOP).getString("session_id");
        String channel = OWNER.get(id).getString("fields.find { it.field_name == 'channel' }.field_id");
        JsonPath s = OWNER.request().body(Map.of("verbose_name", "Channel (ours)", "description", "Where it was sold"))
                .patch("/review-sessions/{id}/fields/{f}", id, channel).then().statusCode(200).extract().jsonPath();
        Map<String, Object> f = s.getMap("fields.find { it.field_name == 'channel' }");
        assertThat(f).containsEntry("is_locked", true).containsEntry("provenance", "manual_override")
                .containsEntry("last_changed_by", "user");

        s = OWNER.request().body(Map.of("source_type", "reference_dataset", "dataset_id", REFERENCE))
                .post("/review-sessions/{id}/semantic-sources", id).then().statusCode(200).extract().jsonPath();
        String sourceId = s.getString("semantic_sources[0].source_id");
        assertThat(s.getString("semantic_sources[0].source_type")).isEqualTo("reference_dataset");
        s = OWNER.request().post("/review-sessions/{id}/semantic-sources/{s}/apply", id, sourceId).then()
                .statusCode(200).extract().jsonPath();
        f = s.getMap("fields.find { it.field_name == 'channel' }");
        assertThat(f).containsEntry("verbose_name", "Channel (ours)").containsEntry("provenance", "manual_override")
                .containsEntry("is_locked", true).containsEntry("has_conflict", true);
        assertThat(s.getList("fields.find { it.field_name == 'channel' }.candidates.proposed_verbose_name"))
                .containsExactly("Sales channel");
        assertThat(s.getString("semantic_sources[0].status")).isEqualTo("partial");
        // the other field took the reference value
        assertThat(s.getString("fields.find { it.field_name == 'order_total' }.provenance"))
                .isEqualTo("reference_imported");

        s = OWNER.request().body(Map.of("user_feedback", "up"))
                .put("/review-sessions/{id}/fields/{f}/feedback", id, channel).then().statusCode(200).extract()
                .jsonPath();
        assertThat(s.getString("fields.find { it.field_name == 'channel' }.user_feedback")).isEqualTo("up");
    }

    @Test
    void clarificationAnswersResolveTheirTopicAndAdvance() {
        String id = OWNER.created(SHOP).getString("session_id");
        JsonPath s = WorkerStandIn.clarificationByRule(OWNER, id);
        assertThat(s.getString("readiness_state")).isEqualTo("clarification_active");
        assertThat(s.getString("recommended_action")).isEqualTo("answer_next_question");
        List<Integer> priorities = s.getList("clarification.questions.priority");
        assertThat(priorities).isSortedAccordingTo((a, b) -> b - a);
        String first = s.getString("clarification.current_question_id");
        assertThat(s.getString("clarification.questions[0].why_it_matters")).isNotBlank();

        OWNER.request().body(Map.of("answer_kind", "custom", "answer_value", " "))
                .post("/review-sessions/{id}/clarification/questions/{q}/answer", id, first).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("answer_value"));
        OWNER.request().body(Map.of("answer_kind", "selected", "answer_value", "nonsense"))
                .post("/review-sessions/{id}/clarification/questions/{q}/answer", id, first).then().statusCode(400)
                .body("errors[0].field", equalTo("answer_value"));

        s = OWNER.request().body(Map.of("answer_kind", "custom", "answer_value", "Gross order value"))
                .post("/review-sessions/{id}/clarification/questions/{q}/answer", id, first).then().statusCode(200)
                .extract().jsonPath();
        assertThat(s.getString("clarification.questions.find { it.question_id == '" + first + "' }.state"))
                .isEqualTo("answered");
        assertThat(s.getString("clarification.current_question_id")).isNotEqualTo(first);
        assertThat(s.getInt("clarification.resolved_count")).isEqualTo(1);
        // one current answer: answering again is a conflict
        OWNER.request().body(Map.of("answer_kind", "skipped"))
                .post("/review-sessions/{id}/clarification/questions/{q}/answer", id, first).then().statusCode(409)
                .body("errors[0].field", equalTo("question_id"));

        String second = s.getString("clarification.current_question_id");
        s = OWNER.request().body(Map.of("answer_kind", "expert_review"))
                .post("/review-sessions/{id}/clarification/questions/{q}/answer", id, second).then().statusCode(200)
                .extract().jsonPath();
        String topic = s.getString("clarification.questions.find { it.question_id == '" + second + "' }.topic_ref");
        assertThat(s.getString("findings.find { it.caused_by_ref == '" + topic + "' }.resolution_state"))
                .isEqualTo("expert_review");
    }

    @Test
    void aCrashAfterTheAnswerIsPersistedResumesWithoutLosingOrRepeatingIt() {
        String id = OWNER.created(SHOP).getString("session_id");
        JsonPath s = WorkerStandIn.clarificationByRule(OWNER, id);
        String q = s.getString("clarification.current_question_id");
        String topic = s.getString("clarification.questions[0].topic_ref");
        clarification.afterAnswerRecorded(() -> {
            throw new IllegalStateException("simulated crash between the answer and its consequences");
        });
        OWNER.request().body(Map.of("answer_kind", "custom", "answer_value", "Amount paid"))
                .post("/review-sessions/{id}/clarification/questions/{q}/answer", id, q).then().statusCode(500);
        clarification.afterAnswerRecorded(null);

        // the answer is there; nothing that follows from it yet
        s = OWNER.get(id);
        assertThat(s.getString("clarification.questions[0].answer.answer_value")).isEqualTo("Amount paid");
        assertThat(s.getBoolean("clarification.questions[0].answer.applied")).isFalse();
        assertThat(s.getString("clarification.current_question_id")).isEqualTo(q);
        assertThat(s.getString("findings.find { it.caused_by_ref == '" + topic + "' }.resolution_state"))
                .isEqualTo("open");

        s = OWNER.request().post("/review-sessions/{id}/resume", id).then().statusCode(200).extract().jsonPath();
        assertThat(s.getBoolean("clarification.questions[0].answer.applied")).isTrue();
        assertThat(s.getString("clarification.current_question_id")).isNotEqualTo(q);
        assertThat(s.getString("findings.find { it.caused_by_ref == '" + topic + "' }.resolution_state"))
                .isEqualTo("resolved");
        assertThat(s.getString("fields.find { it.field_id == '" + topic + "' }.verbose_name")).isEqualTo("Amount paid");
        // resuming again changes nothing: the answer applied once
        long version = s.getLong("version");
        s = OWNER.request().post("/review-sessions/{id}/resume", id).then().statusCode(200).extract().jsonPath();
        assertThat(s.getLong("version")).isEqualTo(version);
        List<String> types = OWNER.request().get("/review-sessions/{id}/events", id).jsonPath().getList("type");
        assertThat(types.stream().filter("clarification_advanced"::equals)).hasSize(1);
    }

    @Test
    void everyExportInEveryFormatIsStoredAndDownloadable() throws IOException {
        String id = OWNER.created(SHOP).getString("session_id");
        for (String type : List.of("documentation", "validation_report", "run_summary")) {
            for (String format : List.of("json", "markdown", "csv", "pdf")) {
                JsonPath a = OWNER.request().body(Map.of("artifact_type", type, "format", format))
                        .post("/review-sessions/{id}/exports", id).then().statusCode(201).extract().jsonPath();
                assertThat(a.getString("storage_ref")).startsWith("postgres:review_session_exports/");
                assertThat(a.getString("created_by_user_id")).isEqualTo("erin");
                byte[] content = OWNER.request().get("/review-sessions/{id}/exports/{a}/content", id,
                        a.getString("artifact_id")).then().statusCode(200).extract().asByteArray();
                String text = format.equals("pdf") ? pdfText(content) : new String(content);
                assertThat(text).as(type + " " + format).contains(id);
                if (type.equals("documentation")) {
                    assertThat(text).contains("order_total", "customer_region");
                }
                if (type.equals("validation_report")) {
                    assertThat(text).contains("field_meaning_missing");
                }
            }
        }
        assertThat(OWNER.get(id).getList("exports")).hasSize(12);
    }

    static String pdfText(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }
}
