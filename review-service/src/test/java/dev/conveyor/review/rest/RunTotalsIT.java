package dev.conveyor.review.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.review.KafkaTestClient;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;

/**
 * A run's totals from real events. The run has two processes over four rows:
 * <pre>
 * sentiment (stage 0)      completed 100+5 tok $0.00125 100 ms 1 call | completed 120+6 tok $0.0015 300 ms 2 calls
 *                          completed from cache 100+5 tok $0 5 ms     | failed 300+30 tok $0.004 30 s 3 calls
 * summarization (stage 1)  completed 200+50 tok $0.0025 200 ms        | completed 210+60 tok $0.00275 400 ms
 *                          skipped (budget)                           | pending
 * </pre>
 * and a second run of the same workflow that must not be counted.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class RunTotalsIT {

    private static final String WORKFLOW = UUID.randomUUID().toString();
    private static final String RUN = UUID.randomUUID().toString();
    private static final String OTHER_RUN = UUID.randomUUID().toString();
    private static final Instant T0 = TaskEvents.nowMillis().minusSeconds(600);
    private static Instant lastFinishedAt;
    private static KafkaTestClient kafka;

    /** Once, but per instance: REST Assured learns the test port only when the first test runs. */
    @BeforeEach
    void seedOnce() {
        if (kafka != null) {
            return;
        }
        kafka = new KafkaTestClient();
        TaskEvents[] sentiment = new TaskEvents[4];
        TaskEvents[] summarization = new TaskEvents[4];
        for (int row = 0; row < 4; row++) {
            sentiment[row] = TaskEvents.task(WORKFLOW, RUN, "sentiment", 0).issuedAt(T0.plusSeconds(row));
            summarization[row] = new TaskEvents(WORKFLOW, RUN, sentiment[row].referenceId(), "summarization", 1,
                    T0.plusSeconds(60 + row));
        }
        for (TaskEvents t : sentiment) {
            kafka.issue(t.issued());
        }
        for (TaskEvents t : summarization) {
            kafka.issue(t.issued());
        }
        finish(sentiment[0], "Positive", 100, 5, 100, 0.00125, false, 1);
        finish(sentiment[1], "Negative", 120, 6, 300, 0.0015, false, 2);
        finish(sentiment[2], "Positive", 100, 5, 5, 0, true, 0);
        kafka.finish(TaskEvents.metered(sentiment[3].failedWithAnswer("Mostly positive", "not a label",
                sentiment[3].issuedAt().plusSeconds(30)), 300, 30, 30_000, 0.004, false, 3));
        finish(summarization[0], "A great plot.", 200, 50, 200, 0.0025, false, 1);
        finish(summarization[1], "Dull.", 210, 60, 400, 0.00275, false, 1);
        lastFinishedAt = summarization[2].issuedAt().plusMillis(10);
        kafka.finish(summarization[2].skipped("run halted: cost budget of 0.012 USD reached", lastFinishedAt));

        TaskEvents other = TaskEvents.task(WORKFLOW, OTHER_RUN, "sentiment", 0).issuedAt(T0.minusSeconds(60));
        kafka.issue(other.issued());
        kafka.finish(TaskEvents.metered(other.completed("Neutral", T0.plusSeconds(3600)), 999, 999, 1, 9.99, false,
                9));

        await("the run's results are materialized").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    JsonPath totals = given().get("/runs/{id}/totals", RUN).jsonPath();
                    return totals.getLong("tasks") == 8 && totals.getLong("pending") == 1
                            && given().get("/runs/{id}/totals", OTHER_RUN).jsonPath().getLong("completed") == 1;
                });
    }

    @AfterAll
    static void disconnect() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldCountTheRunsResultsByOutcome() {
        JsonPath totals = totals(RUN);

        assertThat(totals.getString("run_id")).isEqualTo(RUN);
        assertThat(totals.getString("workflow_id")).isEqualTo(WORKFLOW);
        assertThat(totals.getLong("tasks")).isEqualTo(8);
        assertThat(totals.getLong("pending")).isEqualTo(1);
        assertThat(totals.getLong("completed")).isEqualTo(5);
        assertThat(totals.getLong("failed")).isEqualTo(1);
        assertThat(totals.getLong("skipped")).isEqualTo(1);
        assertThat(totals.getLong("cache_hits")).isEqualTo(1);
    }

    @Test
    void shouldSumTokensCostAndAttemptsOfEveryOutcome() {
        JsonPath totals = totals(RUN);

        assertThat(totals.getLong("prompt_tokens")).isEqualTo(100 + 120 + 100 + 300 + 200 + 210);
        assertThat(totals.getLong("completion_tokens")).isEqualTo(5 + 6 + 5 + 30 + 50 + 60);
        assertThat(totals.getLong("total_tokens")).isEqualTo(1030 + 156);
        assertThat(totals.<BigDecimal>get("cost_usd")).isEqualByComparingTo("0.012");
        assertThat(totals.getLong("attempts")).isEqualTo(1 + 2 + 0 + 3 + 1 + 1);
    }

    @Test
    void shouldTakeLatencyPercentilesOverAnsweredCallsOnly() {
        JsonPath totals = totals(RUN);

        // 100, 200, 300, 400 ms: the cache hit (5 ms) and the failure (30 s) are left out
        assertThat(totals.getDouble("latency_ms_p50")).isCloseTo(250.0, within(1e-9));
        assertThat(totals.getDouble("latency_ms_p99")).isCloseTo(397.0, within(1e-6));
        assertThat(Instant.parse(totals.getString("first_issued_at"))).isEqualTo(T0);
        assertThat(Instant.parse(totals.getString("last_completed_at"))).isEqualTo(lastFinishedAt);
    }

    @Test
    void shouldBreakTheTotalsDownPerProcessInStageOrder() {
        JsonPath totals = totals(RUN);

        assertThat(totals.getList("by_process")).hasSize(2);
        assertThat(totals.getMap("by_process[0]")).containsOnlyKeys("process_name", "stage_index", "tasks",
                "completed", "failed", "skipped", "prompt_tokens", "completion_tokens", "cost_usd", "cache_hits");
        assertProcess(totals, 0, Map.of("process_name", "sentiment", "stage_index", 0, "tasks", 4, "completed", 3,
                "failed", 1, "skipped", 0, "prompt_tokens", 620, "completion_tokens", 46, "cache_hits", 1), "0.00675");
        assertProcess(totals, 1, Map.of("process_name", "summarization", "stage_index", 1, "tasks", 4,
                "completed", 2, "failed", 0, "skipped", 1, "prompt_tokens", 410, "completion_tokens", 110,
                "cache_hits", 0), "0.00525");
    }

    @Test
    void shouldAnswerEveryFieldOfTheContract() {
        assertThat(totals(RUN).getMap("$")).containsOnlyKeys("run_id", "workflow_id", "tasks", "pending", "completed",
                "failed", "skipped", "prompt_tokens", "completion_tokens", "total_tokens", "cost_usd", "cache_hits",
                "attempts", "latency_ms_p50", "latency_ms_p99", "first_issued_at", "last_completed_at", "by_process");
    }

    @Test
    void shouldLeaveThePercentilesEmptyWhileNothingWasAnswered() {
        String run = UUID.randomUUID().toString();
        TaskEvents pending = TaskEvents.task(WORKFLOW, run, "sentiment", 0);
        TaskEvents cached = TaskEvents.task(WORKFLOW, run, "sentiment", 0);
        kafka.issue(pending.issued());
        kafka.finish(TaskEvents.metered(cached.completed("Positive", cached.issuedAt().plusMillis(3)), 10, 1, 3, 0,
                true, 0));

        await("the run's two results").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> given().get("/runs/{id}/totals", run).jsonPath().getInt("tasks") == 2);
        given().get("/runs/{id}/totals", run)
                .then().statusCode(200)
                .body("completed", equalTo(1))
                .body("cache_hits", equalTo(1))
                .body("latency_ms_p50", nullValue())
                .body("latency_ms_p99", nullValue())
                .body("by_process.size()", equalTo(1));
    }

    @Test
    void shouldNameTheRunThatHasNoResults() {
        given().get("/runs/{id}/totals", UUID.randomUUID())
                .then().statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(404))
                .body("errors[0].field", equalTo("run_id"));
    }

    @Test
    void shouldRejectARunIdThatIsNotAUuid() {
        given().get("/runs/{id}/totals", "run-1")
                .then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("errors[0].field", equalTo("run_id"))
                .body("errors[0].message", equalTo("must be a UUID, got 'run-1'"));
    }

    private static void assertProcess(JsonPath totals, int index, Map<String, Object> counts, String cost) {
        Map<String, Object> process = totals.getMap("by_process[" + index + "]");
        assertThat(process).as("by_process[%d]", index).containsAllEntriesOf(counts);
        assertThat(totals.<BigDecimal>get("by_process[" + index + "].cost_usd")).isEqualByComparingTo(cost);
    }

    private static void finish(TaskEvents task, String output, int promptTokens, int completionTokens,
            long latencyMs, double cost, boolean cached, int attempts) {
        kafka.finish(TaskEvents.metered(task.completed(output, task.issuedAt().plusMillis(latencyMs)), promptTokens,
                completionTokens, latencyMs, cost, cached, attempts));
    }

    private static JsonPath totals(String runId) {
        return given().get("/runs/{id}/totals", runId).then().statusCode(200).extract().jsonPath()
                .using(new JsonPathConfig(JsonPathConfig.NumberReturnType.BIG_DECIMAL));
    }
}
