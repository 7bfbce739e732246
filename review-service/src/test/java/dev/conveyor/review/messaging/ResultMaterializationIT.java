package dev.conveyor.review.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.conveyor.review.KafkaTestClient;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;

@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class ResultMaterializationIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static KafkaTestClient kafka;

    private final String workflowId = UUID.randomUUID().toString();
    private final String runId = UUID.randomUUID().toString();

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @Test
    void shouldShowAPendingResultThenCompleteItWhenTheTaskFinishes() {
        TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
        kafka.issue(task.issued());

        JsonPath pending = awaitStatus(task.taskId(), "Pending");
        assertThat(pending.getString("result_id")).isEqualTo(task.taskId());
        assertThat(pending.getString("workflow_id")).isEqualTo(workflowId);
        assertThat(pending.getString("run_id")).isEqualTo(runId);
        assertThat(pending.getString("reference_id")).isEqualTo(task.referenceId());
        assertThat(pending.getString("process_name")).isEqualTo("sentiment");
        assertThat(pending.getInt("stage_index")).isZero();
        assertThat(Instant.parse(pending.getString("issued_at"))).isEqualTo(task.issuedAt());
        assertThat(pending.getString("result")).isNull();
        assertThat(pending.getString("completed_at")).isNull();
        assertThat(pending.getString("prompt_tokens")).isNull();
        Instant createdAt = Instant.parse(pending.getString("created_at"));
        assertThat(createdAt).isAfterOrEqualTo(task.issuedAt());

        Instant finishedAt = task.issuedAt().plusMillis(1234);
        kafka.finish(task.completed("Positive", finishedAt));

        JsonPath completed = awaitStatus(task.taskId(), "Completed");
        assertThat(completed.getString("result")).isEqualTo("Positive");
        assertThat(completed.getString("error")).isNull();
        assertThat(completed.getString("model")).isEqualTo("gpt-4o-mini");
        assertThat(completed.getInt("prompt_tokens")).isEqualTo(42);
        assertThat(completed.getInt("completion_tokens")).isEqualTo(7);
        assertThat(completed.getLong("latency_ms")).isEqualTo(1234L);
        assertThat(Instant.parse(completed.getString("completed_at"))).isEqualTo(finishedAt);
        assertThat(Instant.parse(completed.getString("issued_at"))).isEqualTo(task.issuedAt());
        assertThat(Instant.parse(completed.getString("created_at"))).as("created once, never rewritten")
                .isEqualTo(createdAt);
    }

    @Test
    void shouldRecordAFailedTaskWithItsError() {
        TaskEvents task = TaskEvents.task(workflowId, runId, "summarization", 1);
        kafka.issue(task.issued());
        kafka.finish(task.failed("model answered 500", task.issuedAt().plusSeconds(2)));

        JsonPath failed = awaitStatus(task.taskId(), "Failed");
        assertThat(failed.getString("error")).isEqualTo("model answered 500");
        assertThat(failed.getString("result")).isNull();
        assertThat(failed.getInt("stage_index")).isEqualTo(1);
    }

    @Test
    void shouldRecordASkippedTaskWithTheReasonItWasNotRun() {
        TaskEvents task = TaskEvents.task(workflowId, runId, "summarization", 1);
        kafka.issue(task.issued());
        awaitStatus(task.taskId(), "Pending");
        Instant skippedAt = task.issuedAt().plusSeconds(3);
        kafka.finish(task.skipped("run halted: cost budget of 0.05 USD reached", skippedAt));

        JsonPath skipped = awaitStatus(task.taskId(), "Skipped");
        assertThat(skipped.getString("error")).isEqualTo("run halted: cost budget of 0.05 USD reached");
        assertThat(skipped.getString("result")).isNull();
        assertThat(skipped.getInt("attempts")).isZero();
        assertThat(skipped.getInt("prompt_tokens")).isZero();
        assertThat(Instant.parse(skipped.getString("completed_at"))).isEqualTo(skippedAt);
        assertThat(runResults().getList("items.status", String.class)).containsExactly("Skipped");
    }

    @Test
    void shouldKeepASkippedResultWhenALateCopyOfTheTaskCompletes() {
        TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
        kafka.finish(task.skipped("run halted: token budget of 1000 reached", task.issuedAt().plusMillis(5)));
        awaitStatus(task.taskId(), "Skipped");

        RecordMetadata late = kafka.finish(task.completed("Positive", task.issuedAt().plusMillis(50)));
        kafka.awaitConsumed(late);

        JsonPath row = get(task.taskId());
        assertThat(row.getString("status")).isEqualTo("Skipped");
        assertThat(row.getString("result")).isNull();
        assertThat(row.getString("error")).isEqualTo("run halted: token budget of 1000 reached");
    }

    @Test
    void shouldStoreAndListCostCacheHitsAndAttempts() {
        TaskEvents paid = TaskEvents.task(workflowId, runId, "sentiment", 0);
        TaskEvents cached = TaskEvents.task(workflowId, runId, "sentiment", 0);
        kafka.issue(paid.issued());
        kafka.issue(cached.issued());
        JsonPath pending = awaitStatus(paid.taskId(), "Pending");
        assertThat(pending.getInt("attempts")).isZero();
        assertThat(pending.getBoolean("cached")).isFalse();
        assertThat(pending.getDouble("cost_usd")).isZero();

        kafka.finish(TaskEvents.metered(paid.completed("Positive", paid.issuedAt().plusMillis(700)), 1200, 3, 700,
                0.00018375, false, 2));
        kafka.finish(TaskEvents.metered(cached.completed("Positive", cached.issuedAt().plusMillis(2)), 1200, 3, 2,
                0, true, 0));
        awaitStatus(paid.taskId(), "Completed");
        awaitStatus(cached.taskId(), "Completed");

        JsonPath list = given().queryParam("run_id", runId).get("/workflows/{id}/results", workflowId)
                .then().statusCode(200).extract().jsonPath()
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL));
        assertThat(list.getLong("total")).isEqualTo(2);
        String byPaid = "items.find { it.result_id == '" + paid.taskId() + "' }";
        String byCached = "items.find { it.result_id == '" + cached.taskId() + "' }";
        assertThat(list.<BigDecimal>get(byPaid + ".cost_usd")).isEqualByComparingTo("0.000184");
        assertThat(list.getBoolean(byPaid + ".cached")).isFalse();
        assertThat(list.getInt(byPaid + ".attempts")).isEqualTo(2);
        assertThat(list.getInt(byPaid + ".prompt_tokens")).isEqualTo(1200);
        assertThat(list.<BigDecimal>get(byCached + ".cost_usd")).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(list.getBoolean(byCached + ".cached")).isTrue();
        assertThat(list.getInt(byCached + ".attempts")).isZero();
    }

    @Test
    void shouldKeepTheRawAnswerOfATaskThatFailedValidation() {
        TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
        kafka.issue(task.issued());
        kafka.finish(TaskEvents.metered(task.failedWithAnswer("Mostly positive",
                "answer 'Mostly positive' is not one of Positive, Negative, Neutral after 3 attempts",
                task.issuedAt().plusSeconds(2)), 300, 12, 2000, 0.0006, false, 3));

        JsonPath failed = awaitStatus(task.taskId(), "Failed");
        assertThat(failed.getString("result")).isEqualTo("Mostly positive");
        assertThat(failed.getString("error")).startsWith("answer 'Mostly positive' is not one of");
        assertThat(failed.getInt("attempts")).isEqualTo(3);
    }

    @Test
    void shouldDeadLetterAResultWhoseCostTheTableCannotHold() {
        TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
        RecordMetadata bad = kafka.finish(TaskEvents.metered(task.completed("Positive", task.issuedAt()), 1, 1, 1,
                -0.5, false, 1));

        RecordDeadLettered dead = kafka.awaitDeadLetter(task.taskId());
        assertThat(dead.getReason()).contains("cost_usd");
        assertThat(dead.getSourceOffset()).isEqualTo(bad.offset());
        given().get("/results/{id}", task.taskId()).then().statusCode(404);
    }

    @Test
    void shouldKeepAResultCompletedWhenItsTaskArrivesAfterwards() {
        TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
        Instant finishedAt = task.issuedAt().plusMillis(300);
        kafka.finish(task.completed("Negative", finishedAt));
        awaitStatus(task.taskId(), "Completed");

        RecordMetadata late = kafka.issue(task.issued());
        kafka.awaitConsumed(late);

        JsonPath row = get(task.taskId());
        assertThat(row.getString("status")).isEqualTo("Completed");
        assertThat(row.getString("result")).isEqualTo("Negative");
        assertThat(Instant.parse(row.getString("completed_at"))).isEqualTo(finishedAt);
        assertThat(runResults().getLong("total")).isEqualTo(1);
    }

    @Test
    void shouldKeepTheFirstOutcomeWhenATaskFinishesTwice() {
        TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
        kafka.issue(task.issued());
        kafka.finish(task.completed("Positive", task.issuedAt().plusMillis(10)));
        // same key, same partition: the worker's redelivered (and this time failed) attempt comes second
        RecordMetadata duplicate = kafka.finish(task.failed("rate limited", task.issuedAt().plusMillis(20)));
        kafka.awaitConsumed(duplicate);

        JsonPath list = runResults();
        assertThat(list.getLong("total")).isEqualTo(1);
        assertThat(list.getString("items[0].result_id")).isEqualTo(task.taskId());
        assertThat(list.getString("items[0].status")).isEqualTo("Completed");
        assertThat(list.getString("items[0].result")).isEqualTo("Positive");
        assertThat(list.getString("items[0].error")).isNull();
    }

    @Test
    void shouldDeadLetterAnUndecodableRecordAndStillApplyTheNextOne() {
        String garbageKey = "garbage-" + UUID.randomUUID();
        byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
        RecordMetadata bad = kafka.sendRaw(Topics.LLM_RESULTS.name(), garbageKey, garbage);

        TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);
        kafka.finish(task.completed("Positive", task.issuedAt().plusMillis(5)), bad.partition());

        RecordDeadLettered dead = kafka.awaitDeadLetter(garbageKey);
        assertThat(dead.getSourceTopic()).isEqualTo(Topics.LLM_RESULTS.name());
        assertThat(dead.getSourcePartition()).isEqualTo(bad.partition());
        assertThat(dead.getSourceOffset()).isEqualTo(bad.offset());
        assertThat(dead.getService()).isEqualTo("review-service");
        assertThat(dead.getReason()).startsWith("undecodable record");
        assertThat(dead.getValue().array()).isEqualTo(garbage);
        awaitStatus(task.taskId(), "Completed");
    }

    @Test
    void shouldDeadLetterAnEventWhoseIdsAreNotUuidsAndApplyTheRestOfTheBatch() {
        TaskEvents good = TaskEvents.task(workflowId, runId, "sentiment", 0);
        TaskEvents bad = TaskEvents.task(workflowId, runId, "sentiment", 0);
        TaskFinished badEvent = TaskFinished.newBuilder(bad.completed("x", bad.issuedAt()))
                .setReferenceId("row-17").build();
        RecordMetadata rejected = kafka.finish(badEvent);
        kafka.finish(good.completed("Positive", good.issuedAt().plusMillis(5)), rejected.partition());

        RecordDeadLettered dead = kafka.awaitDeadLetter(bad.taskId());
        assertThat(dead.getReason()).contains("reference_id").contains("row-17");
        assertThat(dead.getSourceOffset()).isEqualTo(rejected.offset());
        awaitStatus(good.taskId(), "Completed");
        given().get("/results/{id}", bad.taskId()).then().statusCode(404);
    }

    @Test
    void shouldStoreAnAnswerWithANulCharacterAsAReplacementCharacter() {
        // (A lone surrogate never gets here: UTF-8 encoding on the producer side already replaces it.)
        TaskEvents task = TaskEvents.task(workflowId, runId, "summarization", 1);
        kafka.finish(task.completed("A\u0000B", task.issuedAt().plusMillis(5)));

        JsonPath row = awaitStatus(task.taskId(), "Completed");
        assertThat(row.getString("result")).isEqualTo("A\uFFFDB");
    }

    @Test
    void shouldDeadLetterARecordThePostgresRefusesAndApplyTheRestOfItsPartition() {
        TaskEvents poison = TaskEvents.task(workflowId, runId, "sentiment", 0);
        TaskEvents good = TaskEvents.task(workflowId, runId, "sentiment", 0);
        // Year 146 million: Avro and Java take it, PostgreSQL's timestamptz does not.
        Instant beyondPostgres = Instant.ofEpochMilli(Long.MAX_VALUE / 2);
        RecordMetadata refused = kafka.finish(poison.completed("Positive", beyondPostgres));
        kafka.finish(good.completed("Negative", good.issuedAt().plusMillis(5)), refused.partition());

        RecordDeadLettered dead = kafka.awaitDeadLetter(poison.taskId());
        assertThat(dead.getReason()).startsWith("the database refused the record").contains("out of range");
        assertThat(dead.getSourceOffset()).isEqualTo(refused.offset());
        awaitStatus(good.taskId(), "Completed");
        given().get("/results/{id}", poison.taskId()).then().statusCode(404);
    }

    private JsonPath awaitStatus(String resultId, String status) {
        JsonPath[] seen = new JsonPath[1];
        await("result " + resultId + " is " + status).atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    var response = given().get("/results/{id}", resultId);
                    if (response.statusCode() != 200) {
                        return false;
                    }
                    seen[0] = response.jsonPath();
                    return status.equals(seen[0].getString("status"));
                });
        return seen[0];
    }

    private JsonPath get(String resultId) {
        return given().get("/results/{id}", resultId).then().statusCode(200).extract().jsonPath();
    }

    private JsonPath runResults() {
        return given().queryParam("run_id", runId).get("/workflows/{id}/results", workflowId)
                .then().statusCode(200).extract().jsonPath();
    }
}
