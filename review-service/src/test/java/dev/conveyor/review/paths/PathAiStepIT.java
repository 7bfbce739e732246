package dev.conveyor.review.paths;

import static dev.conveyor.review.paths.PathFixtures.JSON;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.review.KafkaTestClient;
import dev.conveyor.schemas.ProcessType;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * AI steps through the topics: the request becomes an extract task on conveyor.llm-tasks, and
 * the worker's result on conveyor.llm-results becomes the step (written here as the worker writes
 * it; the whole chain with the real worker is PathWalkthroughIT in e2e-tests).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class PathAiStepIT {

    private static KafkaTestClient kafka;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @Test
    void shouldIssueATaskWithWorkflowPathAndSchemaThenAppendTheAnswerOnceAsAnAiStep() throws Exception {
        String workflowId = PathResourceIT.registerWorkflow();
        String pathId = PathResourceIT.start(workflowId).path("path_id");
        String etag = PathResourceIT.ok(pathId, "\"1\"", PathFixtures.goal());

        Response accepted = given().header("If-Match", etag).post("/paths/{id}/ai-step", pathId);
        assertThat(accepted.statusCode()).as(accepted.asString()).isEqualTo(202);
        String location = accepted.header("Location");
        assertThat(location).endsWith("/paths/" + pathId + "/ai-requests/" + accepted.path("request_id"));
        assertThat(accepted.<String>path("state")).isEqualTo("pending");
        assertThat(accepted.<String>path("step")).isEqualTo("add_research_strategy");
        JsonNode path = JSON.readTree(given().get("/paths/{id}", pathId).asString());
        assertThat(path.get("pending_ai_request").get("request_id").asText()).isEqualTo(accepted.path("request_id"));
        // a second request while one is pending is refused
        given().header("If-Match", accepted.header("ETag")).post("/paths/{id}/ai-step", pathId).then().statusCode(409);

        TaskIssued task = PathTaskWatcher.awaitTask(accepted.path("task_id"));
        assertThat(task.getOrigin()).isEqualTo("path");
        assertThat(task.getRunId()).isEqualTo(pathId);
        assertThat(task.getWorkflowId()).isEqualTo(workflowId);
        assertThat(task.getReferenceId()).isEqualTo(accepted.<String>path("request_id"));
        assertThat(task.getProcessName()).isEqualTo("add_research_strategy");
        assertThat(task.getProcess().getType()).isEqualTo(ProcessType.EXTRACT);
        JsonNode schema = JSON.readTree(task.getProcess().getJsonSchema());
        assertThat(schema.get("required")).extracting(JsonNode::asText)
                .containsExactly("thought", "researchable", "strategy");
        assertThat(JSON.readTree(task.getInputs().get("workflow"))).hasSize(3);
        assertThat(JSON.readTree(task.getInputs().get("path")).get("steps").get(0).get("data").get("goal").asText())
                .isEqualTo("A better catalyst");

        TaskFinished answer = finished(task, TaskOutcome.COMPLETED,
                "{\"thought\": \"protocol 0 makes it, 1 and 2 test it\", \"researchable\": true, "
                        + "\"strategy\": \"Synthesize, characterize, test\"}", null);
        kafka.finish(answer);
        JsonNode applied = awaitRequest(location, "applied");
        assertThat(applied.get("position").asInt()).isEqualTo(1);
        RecordMetadata again = kafka.finish(answer);
        PathTaskWatcher.awaitAiGroupPast(again);

        JsonNode after = JSON.readTree(given().get("/paths/{id}", pathId).asString());
        assertThat(after.get("steps")).as("a redelivered answer applies once").hasSize(2);
        assertThat(after.get("steps").get(1).get("mode").asText()).isEqualTo("ai");
        assertThat(after.get("steps").get(1).get("data").get("thought").asText()).contains("protocol 0");
        assertThat(after.get("path_status").asText()).isEqualTo("waiting_for_next_protocol");
        assertThat(after.get("pending_ai_request").isNull()).isTrue();
    }

    @Test
    void shouldReportAFailedAnswerAndAnAnswerThatBreaksThePathRules() throws Exception {
        String pathId = PathResourceIT.start(PathResourceIT.registerWorkflow()).path("path_id");
        String etag = PathResourceIT.ok(pathId, "\"1\"", PathFixtures.goal());
        etag = PathResourceIT.ok(pathId, etag, PathFixtures.strategy("true"));

        Response first = given().header("If-Match", etag).post("/paths/{id}/ai-step", pathId);
        TaskIssued task = PathTaskWatcher.awaitTask(first.path("task_id"));
        kafka.finish(finished(task, TaskOutcome.FAILED, null,
                "extract task needs a model endpoint: the offline model cannot write this step"));
        JsonNode failed = awaitRequest(first.header("Location"), "failed");
        assertThat(failed.get("reason").asText()).contains("needs a model endpoint");

        // the failure is an event too: the Path's version moved past the ETag of the request
        String afterFailure = given().get("/paths/{id}", pathId).header("ETag");
        assertThat(afterFailure).isNotEqualTo(first.header("ETag"));
        Response second = given().header("If-Match", afterFailure).post("/paths/{id}/ai-step", pathId);
        assertThat(second.statusCode()).isEqualTo(202);
        TaskIssued next = PathTaskWatcher.awaitTask(second.path("task_id"));
        assertThat(JSON.readTree(next.getProcess().getJsonSchema()).get("properties").get("protocol_index")
                .get("enum")).hasSize(4);
        // valid JSON for the schema a model could still get wrong against the rules: end_path with an index
        kafka.finish(finished(next, TaskOutcome.COMPLETED,
                "{\"thought\": \"t\", \"end_path\": true, \"protocol_index\": 2}", null));
        JsonNode broke = awaitRequest(second.header("Location"), "failed");
        assertThat(broke.get("reason").asText()).contains("data.protocol_index");
        assertThat(PathResourceIT.status(pathId)).isEqualTo("waiting_for_next_protocol");
    }

    @Test
    void shouldResendALostTaskUnderTheSameIdAndSupersedeAStaleRequest() throws Exception {
        String pathId = PathResourceIT.start(PathResourceIT.registerWorkflow()).path("path_id");
        String etag = PathResourceIT.ok(pathId, "\"1\"", PathFixtures.goal());
        Response asked = given().header("If-Match", etag).post("/paths/{id}/ai-step", pathId);
        String requestId = asked.path("request_id");
        Response resent = given().post("/paths/{id}/ai-requests/{r}/resend", pathId, requestId);
        assertThat(resent.statusCode()).isEqualTo(202);
        assertThat(resent.<String>path("task_id")).isEqualTo(asked.<String>path("task_id"));

        // the person writes the strategy; the next AI request supersedes the stale one
        etag = PathResourceIT.ok(pathId, asked.header("ETag"), PathFixtures.strategy("true"));
        Response next = given().header("If-Match", etag).post("/paths/{id}/ai-step", pathId);
        assertThat(next.statusCode()).isEqualTo(202);
        JsonNode stale = JSON.readTree(given().get("/paths/{id}/ai-requests/{r}", pathId, requestId).asString());
        assertThat(stale.get("state").asText()).isEqualTo("failed");
        assertThat(stale.get("reason").asText()).contains("superseded");
        given().post("/paths/{id}/ai-requests/{r}/resend", pathId, requestId).then().statusCode(409);
    }

    @Test
    void shouldRefuseAnAiRequestAtAStatusTheAiCannotFill() {
        String pathId = PathResourceIT.start(PathResourceIT.registerWorkflow()).path("path_id");
        String etag = PathResourceIT.ok(pathId, "\"1\"", PathFixtures.goal());
        etag = PathResourceIT.ok(pathId, etag, PathFixtures.strategy("true"));
        etag = PathResourceIT.ok(pathId, etag, PathFixtures.nextProtocol(1, 0));
        etag = PathResourceIT.ok(pathId, etag, PathFixtures.initialValues(1, "{\"temperature_c\": 20}"));
        Response refused = given().header("If-Match", etag).post("/paths/{id}/ai-step", pathId);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.<String>path("detail")).contains("waiting_for_record");
    }

    private static TaskFinished finished(TaskIssued task, TaskOutcome outcome, String output, String error) {
        return TaskFinished.newBuilder()
                .setTaskId(task.getTaskId()).setRunId(task.getRunId()).setWorkflowId(task.getWorkflowId())
                .setReferenceId(task.getReferenceId()).setSourceConnection(task.getSourceConnection())
                .setProcessName(task.getProcessName()).setStageIndex(task.getStageIndex())
                .setOutcome(outcome).setOutput(output).setError(error).setModel("gpt-4o-mini")
                .setIssuedAt(task.getIssuedAt()).setFinishedAt(Instant.now()).setOrigin(task.getOrigin())
                .build();
    }

    private static JsonNode awaitRequest(String location, String state) {
        JsonNode[] seen = new JsonNode[1];
        await("AI request " + location + " is " + state).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    seen[0] = JSON.readTree(given().get(location).asString());
                    return state.equals(seen[0].path("state").asText());
                });
        return seen[0];
    }
}
