package dev.conveyor.review.paths;

import static dev.conveyor.review.paths.PathFixtures.JSON;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** The Path API against a real broker and PostgreSQL: every rule, the race, the export, the deletion. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class PathResourceIT {

    static String registerWorkflow() {
        return given().contentType(ContentType.JSON).body(PathFixtures.WORKFLOW).post("/research-workflows")
                .then().statusCode(201).extract().path("workflow_id");
    }

    static Response start(String workflowId) {
        return given().contentType(ContentType.JSON).body("{\"workflow_id\": \"" + workflowId + "\"}").post("/paths");
    }

    static Response append(String pathId, String etag, JsonNode step) {
        return given().contentType(ContentType.JSON).header("If-Match", etag).body(step.toString())
                .post("/paths/{id}/steps", pathId);
    }

    /** Appends and returns the new ETag, failing on anything but 201. */
    static String ok(String pathId, String etag, JsonNode step) {
        Response r = append(pathId, etag, step);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(201);
        return r.header("ETag");
    }

    static String status(String pathId) {
        return given().get("/paths/{id}", pathId).then().statusCode(200).extract().path("path_status");
    }

    @Test
    void shouldRegisterAWorkflowAndServeItByIdAndInPages() {
        String id = registerWorkflow();
        JsonNode got = JSON.valueToTree(given().get("/research-workflows/{id}", id).then().statusCode(200)
                .extract().as(Object.class));
        assertThat(got.get("name").asText()).isEqualTo("Catalyst screening");
        assertThat(got.get("protocols_info")).isEqualTo(PathFixtures.json(PathFixtures.WORKFLOW).get("protocols_info"));
        assertThat(given().queryParam("size", 500).get("/research-workflows").then().statusCode(200).extract()
                .jsonPath().getList("items.workflow_id")).contains(id);
        given().get("/research-workflows/{id}", UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void shouldRefuseAWorkflowWithDuplicateIndexesBlankIdsOrAnInvalidFieldSchemaNamingEachField() {
        ObjectNode bad = (ObjectNode) PathFixtures.json(PathFixtures.WORKFLOW);
        ((ObjectNode) bad.get("protocols_info").get(1)).put("protocol_index", 0);
        ((ObjectNode) bad.get("protocols_info").get(2)).put("protocol_id", " ");
        ((ObjectNode) bad.get("protocols_info").get(2).get("protocol_data")).set("field_json_schema",
                PathFixtures.json("{\"type\": \"no-such-type\"}"));
        Response r = given().contentType(ContentType.JSON).body(bad.toString()).post("/research-workflows");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field")).contains("protocols_info[1].protocol_index",
                "protocols_info[2].protocol_id", "protocols_info[2].protocol_data.field_json_schema");
    }

    @Test
    void shouldWalkAWholePathAcrossThreeProtocolsWithSkipsAndExportItInTheSeedsFormat() throws Exception {
        String workflowId = registerWorkflow();
        Response started = start(workflowId);
        assertThat(started.statusCode()).isEqualTo(201);
        String pathId = started.path("path_id");
        String etag = started.header("ETag");
        assertThat(started.<String>path("path_status")).isEqualTo("waiting_for_research_goal");
        assertThat(started.jsonPath().getList("next_steps")).containsExactly("add_research_goal");

        etag = ok(pathId, etag, PathFixtures.goal());
        assertThat(status(pathId)).isEqualTo("waiting_for_research_strategy");
        etag = ok(pathId, etag, PathFixtures.strategy("null"));
        assertThat(status(pathId)).isEqualTo("waiting_for_next_protocol");
        // stage 1: every step
        etag = ok(pathId, etag, PathFixtures.nextProtocol(1, 0));
        assertThat(status(pathId)).isEqualTo("waiting_for_initial_values_for_fields_in_next_protocol");
        etag = ok(pathId, etag, PathFixtures.initialValues(1, "{\"temperature_c\": 80, \"solvent\": \"water\"}"));
        assertThat(status(pathId)).isEqualTo("waiting_for_record");
        String record1 = UUID.randomUUID().toString();
        etag = ok(pathId, etag, PathFixtures.record(1, 0, record1));
        assertThat(status(pathId)).isEqualTo("waiting_for_phased_research_conclusion");
        etag = ok(pathId, etag, PathFixtures.phased(1));
        assertThat(status(pathId)).isEqualTo("waiting_for_next_protocol");
        // stage 2: initial values skipped
        etag = ok(pathId, etag, PathFixtures.nextProtocol(2, 1));
        etag = ok(pathId, etag, PathFixtures.record(2, 1, UUID.randomUUID().toString()));
        // stage 3: phased conclusion of stage 2 skipped
        etag = ok(pathId, etag, PathFixtures.nextProtocol(3, 2));
        etag = ok(pathId, etag, PathFixtures.record(3, 2, UUID.randomUUID().toString()));
        etag = ok(pathId, etag, PathFixtures.phased(3));
        // the ending: path_index 4, then confirmed, then the final conclusion shares it
        etag = ok(pathId, etag, PathFixtures.nextProtocol(4, null));
        assertThat(status(pathId)).isEqualTo("end_after_selecting_next_protocol");
        Response confirmed = given().header("If-Match", etag).post("/paths/{id}/confirm-ending", pathId);
        assertThat(confirmed.statusCode()).as(confirmed.asString()).isEqualTo(200);
        etag = confirmed.header("ETag");
        assertThat(status(pathId)).isEqualTo("waiting_for_final_research_conclusion");
        etag = ok(pathId, etag, PathFixtures.finalConclusion(4));
        assertThat(status(pathId)).isEqualTo("completed");

        JsonNode record = JSON.readTree(given().get("/paths/{id}/record", pathId).then().statusCode(200).extract()
                .asString());
        assertThat(exportSchemaViolations(record)).isEmpty();
        assertThat(record.get("record_id").asText()).isEqualTo(pathId);
        JsonNode workflowData = record.get("data").get("workflow").get(workflowId);
        assertThat(workflowData.get("protocols_info")).hasSize(3);
        JsonNode steps = workflowData.get("path_data").get("steps");
        assertThat(workflowData.get("path_data").get("path_status").asText()).isEqualTo("completed");
        assertThat(steps).hasSize(13);
        assertThat(steps.get(0).get("data").fieldNames()).toIterable().containsExactly("thought", "goal");
        assertThat(steps.get(4).get("data").fieldNames()).toIterable()
                .containsExactly("protocol_index", "record_id", "record_version", "airalogy_record_id");
        assertThat(steps.get(4).get("data").get("record_id").asText()).isEqualTo(record1);
        List<Integer> indexes = new ArrayList<>();
        steps.forEach(s -> indexes.add(s.get("path_index").asInt()));
        assertThat(indexes).containsExactly(0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4);
        assertThat(given().queryParam("status", "completed").queryParam("workflow_id", workflowId).get("/paths")
                .then().statusCode(200).extract().jsonPath().getList("items.path_id")).containsExactly(pathId);
    }

    @Test
    void shouldRefuseEveryStepThatDoesNotFitTheStatusWith409NamingStatusAndFittingSteps() {
        String pathId = start(registerWorkflow()).path("path_id");
        String etag = "\"1\"";
        Response r = append(pathId, etag, PathFixtures.strategy("true"));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.<String>path("detail")).contains("waiting_for_research_goal").contains("add_research_goal");

        etag = ok(pathId, etag, PathFixtures.goal());
        etag = ok(pathId, etag, PathFixtures.strategy("true"));
        // waiting_for_next_protocol: no record, no conclusion, no final conclusion
        for (JsonNode wrong : List.of(PathFixtures.record(1, 0, UUID.randomUUID().toString()), PathFixtures.phased(0),
                PathFixtures.finalConclusion(0), PathFixtures.goal(), PathFixtures.initialValues(0, "{}"))) {
            Response refused = append(pathId, etag, wrong);
            assertThat(refused.statusCode()).as(wrong.toString()).isEqualTo(409);
            assertThat(refused.<String>path("detail")).contains("waiting_for_next_protocol", "add_next_protocol");
        }
        given().header("If-Match", etag).post("/paths/{id}/confirm-ending", pathId).then().statusCode(409);
    }

    @Test
    void shouldRefuseMalformedStepsWith400NamingTheField() {
        String workflowId = registerWorkflow();
        String pathId = start(workflowId).path("path_id");
        String etag = ok(pathId, "\"1\"", PathFixtures.goal());
        etag = ok(pathId, etag, PathFixtures.strategy("true"));

        assertField(append(pathId, etag, PathFixtures.step("add_next_protocol", 1, "user",
                "{\"thought\": null, \"end_path\": true, \"protocol_index\": 1}")), "data.protocol_index");
        assertField(append(pathId, etag, PathFixtures.step("add_next_protocol", 1, "user",
                "{\"thought\": null, \"end_path\": false, \"protocol_index\": null}")), "data.protocol_index");
        assertField(append(pathId, etag, PathFixtures.nextProtocol(1, 7)), "data.protocol_index");
        assertField(append(pathId, etag, PathFixtures.nextProtocol(5, 0)), "path_index");
        assertField(append(pathId, etag, PathFixtures.step("add_next_protocol", 1, "user",
                "{\"thought\": \"I think\", \"end_path\": false, \"protocol_index\": 0}")), "data.thought");
        assertField(append(pathId, etag, PathFixtures.step("add_next_protocol", 1, "robot",
                "{\"end_path\": false, \"protocol_index\": 0}")), "mode");
        assertField(append(pathId, etag, PathFixtures.step("add_next_protocol", 1, "user",
                "{\"end_path\": false, \"protocol_index\": 0, \"extra\": 1}")), "data.extra");
        assertField(append(pathId, etag, PathFixtures.step("jump", 1, "user", "{}")), "step");

        etag = ok(pathId, etag, PathFixtures.nextProtocol(1, 0));
        assertField(append(pathId, etag, PathFixtures.initialValues(1, "{\"temperature_c\": \"hot\"}")),
                "data.values");
        assertField(append(pathId, etag, PathFixtures.initialValues(1, "{\"solvent\": \"water\"}")), "data.values");
        assertField(append(pathId, etag, PathFixtures.record(1, 1, UUID.randomUUID().toString())),
                "data.protocol_index");
        assertField(append(pathId, etag, PathFixtures.record(1, 0, "not-a-uuid")), "data.record_id");
        ObjectNode aiRecord = PathFixtures.record(1, 0, UUID.randomUUID().toString());
        aiRecord.put("mode", "ai");
        assertField(append(pathId, etag, aiRecord), "mode");
        ObjectNode version0 = PathFixtures.record(1, 0, UUID.randomUUID().toString());
        ((ObjectNode) version0.get("data")).put("record_version", 0);
        assertField(append(pathId, etag, version0), "data.record_version");
        ObjectNode noAiralogyId = PathFixtures.record(1, 0, UUID.randomUUID().toString());
        ((ObjectNode) noAiralogyId.get("data")).remove("airalogy_record_id");
        assertField(append(pathId, etag, noAiralogyId), "data.airalogy_record_id");
        assertThat(status(pathId)).isEqualTo("waiting_for_initial_values_for_fields_in_next_protocol");
    }

    @Test
    void shouldEndAfterAStrategyThatIsNotResearchableAndLetThePersonReplaceIt() {
        String pathId = start(registerWorkflow()).path("path_id");
        String etag = ok(pathId, "\"1\"", PathFixtures.goal());
        etag = ok(pathId, etag, PathFixtures.step("add_research_strategy", 0, "ai",
                "{\"thought\": \"no protocol measures this\", \"researchable\": false, \"strategy\": null}"));
        assertThat(status(pathId)).isEqualTo("end_after_generating_research_strategy");
        Response refused = append(pathId, etag, PathFixtures.nextProtocol(1, 0));
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.<String>path("detail")).contains("confirm_ending");

        Response replaced = given().contentType(ContentType.JSON).header("If-Match", etag)
                .body("{\"data\": {\"thought\": null, \"researchable\": true, \"strategy\": \"Try route A\"}}")
                .put("/paths/{id}/steps/1", pathId);
        assertThat(replaced.statusCode()).as(replaced.asString()).isEqualTo(200);
        assertThat(replaced.<String>path("path_status")).isEqualTo("waiting_for_next_protocol");
        assertThat(replaced.<String>path("steps[1].mode")).isEqualTo("user");

        JsonNode feedback = JSON.valueToTree(given().get("/paths/{id}/feedback", pathId).then().statusCode(200)
                .extract().as(Object.class));
        assertThat(feedback.get("items")).hasSize(1);
        assertThat(feedback.get("items").get(0).get("ai").get("researchable").asBoolean()).isFalse();
        assertThat(feedback.get("items").get(0).get("human").get("strategy").asText()).isEqualTo("Try route A");
    }

    @Test
    void shouldAllowAStatusChangingEditOnlyOnTheLastStep() {
        String pathId = start(registerWorkflow()).path("path_id");
        String etag = ok(pathId, "\"1\"", PathFixtures.goal());
        etag = ok(pathId, etag, PathFixtures.strategy("true"));
        etag = ok(pathId, etag, PathFixtures.nextProtocol(1, 0));
        Response refused = given().contentType(ContentType.JSON).header("If-Match", etag)
                .body("{\"data\": {\"thought\": null, \"researchable\": false, \"strategy\": null}}")
                .put("/paths/{id}/steps/1", pathId);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.<String>path("detail")).contains("last step");
        Response neutral = given().contentType(ContentType.JSON).header("If-Match", etag)
                .body("{\"data\": {\"thought\": null, \"goal\": \"A cheaper catalyst\"}}")
                .put("/paths/{id}/steps/0", pathId);
        assertThat(neutral.statusCode()).as(neutral.asString()).isEqualTo(200);
        assertThat(neutral.<String>path("steps[0].data.goal")).isEqualTo("A cheaper catalyst");
        assertThat(neutral.<String>path("path_status")).isEqualTo("waiting_for_initial_values_for_fields_in_next_protocol");
    }

    @Test
    void shouldLetExactlyOneOfTwoRacingAppendsApplyAndAnswerTheOther412() throws Exception {
        String pathId = start(registerWorkflow()).path("path_id");
        String etag = ok(pathId, "\"1\"", PathFixtures.goal());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            String from = etag;
            CountDownLatch go = new CountDownLatch(1);
            Callable<Response> racer = () -> {
                go.await();
                return append(pathId, from, PathFixtures.strategy("true"));
            };
            Future<Response> a = pool.submit(racer);
            Future<Response> b = pool.submit(racer);
            go.countDown();
            assertThat(List.of(a.get().statusCode(), b.get().statusCode())).containsExactlyInAnyOrder(201, 412);
            Response winner = a.get().statusCode() == 201 ? a.get() : b.get();
            Response loser = a.get().statusCode() == 201 ? b.get() : a.get();
            assertThat(loser.contentType()).startsWith("application/problem+json");
            assertThat(loser.jsonPath().getList("errors.field")).containsExactly("If-Match");
            assertThat(loser.header("ETag")).isEqualTo(winner.header("ETag")).isEqualTo("\"3\"");
            assertThat(given().get("/paths/{id}", pathId).then().extract().jsonPath().getList("steps")).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
        given().contentType(ContentType.JSON).body(PathFixtures.goal().toString()).post("/paths/{id}/steps", pathId)
                .then().statusCode(428);
        given().contentType(ContentType.JSON).header("If-Match", "\"1\"").body(PathFixtures.goal().toString())
                .post("/paths/{id}/steps", pathId).then().statusCode(412);
    }

    @Test
    void shouldDeleteARecordReferenceOnlyWhenConfirmedAndShowItEmpty() {
        String pathId = start(registerWorkflow()).path("path_id");
        String etag = ok(pathId, "\"1\"", PathFixtures.goal());
        etag = ok(pathId, etag, PathFixtures.strategy("true"));
        etag = ok(pathId, etag, PathFixtures.nextProtocol(1, 0));
        String recordId = UUID.randomUUID().toString();
        etag = ok(pathId, etag, PathFixtures.record(1, 0, recordId));

        Response preview = given().delete("/paths/{id}/records/{record}", pathId, recordId);
        assertThat(preview.statusCode()).isEqualTo(200);
        assertThat(preview.<Boolean>path("confirmed")).isFalse();
        assertThat(preview.<String>path("would_remove[0].data.record_id")).isEqualTo(recordId);
        assertThat(preview.<Integer>path("would_remove[0].position")).isEqualTo(3);
        assertThat(given().get("/paths/{id}", pathId).then().extract().<String>path("steps[3].data.record_id"))
                .isEqualTo(recordId);

        Response deleted = given().header("If-Match", etag).queryParam("confirm", true)
                .delete("/paths/{id}/records/{record}", pathId, recordId);
        assertThat(deleted.statusCode()).as(deleted.asString()).isEqualTo(200);
        JsonNode step = JSON.valueToTree(given().get("/paths/{id}", pathId).then().extract().path("steps[3]"));
        assertThat(step.get("data").get("record_id").isNull()).isTrue();
        assertThat(step.get("data").get("airalogy_record_id").isNull()).isTrue();
        assertThat(step.get("data").get("protocol_index").asInt()).isZero();
        assertThat(status(pathId)).isEqualTo("waiting_for_phased_research_conclusion");
        given().queryParam("confirm", true).header("If-Match", deleted.header("ETag"))
                .delete("/paths/{id}/records/{record}", pathId, recordId).then().statusCode(404);
    }

    private static void assertField(Response r, String field) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getList("errors.field")).as(r.asString()).contains(field);
    }

    static Set<ValidationMessage> exportSchemaViolations(JsonNode record) throws Exception {
        try (InputStream in = PathResourceIT.class.getClassLoader()
                .getResourceAsStream("json-schema/path-record.schema.json")) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(JSON.readTree(in), config);
            return schema.validate(record);
        }
    }
}
