package dev.conveyor.review.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.conveyor.review.KafkaTestClient;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Lists, filters and pages results materialized from real events. One workflow, two runs:
 * run one has 3 rows x (sentiment, summarization) in mixed states (sentiment 2 Completed and
 * 1 Failed; summarization 1 Completed, 1 Skipped, 1 Pending), run two one Pending row.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class ResultResourceIT {

    private static final String WORKFLOW = UUID.randomUUID().toString();
    private static final String RUN_ONE = UUID.randomUUID().toString();
    private static final String RUN_TWO = UUID.randomUUID().toString();
    private static final List<String> RUN_ONE_IDS = new ArrayList<>();
    private static KafkaTestClient kafka;

    @BeforeEach
    void seedOnce() {
        if (kafka != null) {
            return;
        }
        kafka = new KafkaTestClient();
        List<TaskEvents> sentiment = new ArrayList<>();
        List<TaskEvents> summarization = new ArrayList<>();
        for (int row = 0; row < 3; row++) {
            TaskEvents s = TaskEvents.task(WORKFLOW, RUN_ONE, "sentiment", 0);
            sentiment.add(s);
            summarization.add(new TaskEvents(WORKFLOW, RUN_ONE, s.referenceId(), "summarization", 1,
                    s.issuedAt().plusSeconds(1)));
        }
        for (TaskEvents t : sentiment) {
            kafka.issue(t.issued());
            RUN_ONE_IDS.add(t.taskId());
        }
        for (TaskEvents t : summarization) {
            kafka.issue(t.issued());
            RUN_ONE_IDS.add(t.taskId());
        }
        kafka.finish(sentiment.get(0).completed("Positive", sentiment.get(0).issuedAt().plusMillis(100)));
        kafka.finish(sentiment.get(1).completed("Negative", sentiment.get(1).issuedAt().plusMillis(100)));
        kafka.finish(sentiment.get(2).failed("model answered 500", sentiment.get(2).issuedAt().plusMillis(100)));
        kafka.finish(summarization.get(0).completed("A great plot.", summarization.get(0).issuedAt().plusMillis(9)));
        kafka.finish(summarization.get(1).skipped("run halted: cost budget reached",
                summarization.get(1).issuedAt().plusMillis(20)));
        kafka.issue(TaskEvents.task(WORKFLOW, RUN_TWO, "sentiment", 0).issued());

        await("seeded results are materialized").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    JsonPath summary = given().get("/workflows/{id}/results/summary", WORKFLOW).jsonPath();
                    return summary.getLong("total") == 7 && summary.getInt("processes[0].completed") == 2
                            && summary.getInt("processes[0].failed") == 1
                            && summary.getInt("processes[1].completed") == 1
                            && summary.getInt("processes[1].skipped") == 1;
                });
    }

    @AfterAll
    static void disconnect() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldSummarizeARunPerProcessInStageOrder() {
        given().queryParam("run_id", RUN_ONE)
                .get("/workflows/{id}/results/summary", WORKFLOW)
                .then().statusCode(200)
                .body("workflow_id", equalTo(WORKFLOW))
                .body("total", equalTo(6))
                .body("processes.size()", equalTo(2))
                .body("processes[0]", equalTo(Map.of("process_name", "sentiment", "stage_index", 0,
                        "pending", 0, "completed", 2, "failed", 1, "skipped", 0)))
                .body("processes[1]", equalTo(Map.of("process_name", "summarization", "stage_index", 1,
                        "pending", 1, "completed", 1, "failed", 0, "skipped", 1)));
    }

    @Test
    void shouldSummarizeEveryRunWithoutARunFilter() {
        given().get("/workflows/{id}/results/summary", WORKFLOW)
                .then().statusCode(200)
                .body("total", equalTo(7))
                .body("processes[0].pending", equalTo(1));
    }

    @Test
    void shouldFilterByProcessAndRun() {
        JsonPath page = list(Map.of("process", "summarization", "run_id", RUN_ONE));
        assertThat(page.getLong("total")).isEqualTo(3);
        assertThat(page.getList("items.process_name", String.class)).containsOnly("summarization");
        assertThat(page.getList("items.run_id", String.class)).containsOnly(RUN_ONE);

        JsonPath runTwo = list(Map.of("run_id", RUN_TWO));
        assertThat(runTwo.getLong("total")).isEqualTo(1);
        assertThat(runTwo.getString("items[0].status")).isEqualTo("Pending");
    }

    @Test
    void shouldFilterByStatusInAnyCase() {
        JsonPath completed = list(Map.of("status", "completed"));
        assertThat(completed.getLong("total")).isEqualTo(3);
        assertThat(completed.getList("items.result", String.class))
                .containsExactlyInAnyOrder("Positive", "Negative", "A great plot.");

        JsonPath pendingSentiment = list(Map.of("status", "PENDING", "process", "sentiment"));
        assertThat(pendingSentiment.getLong("total")).isEqualTo(1);
        assertThat(pendingSentiment.getString("items[0].run_id")).isEqualTo(RUN_TWO);

        JsonPath failed = list(Map.of("status", "Failed", "run_id", RUN_ONE));
        assertThat(failed.getList("items.error", String.class)).containsExactly("model answered 500");

        JsonPath skipped = list(Map.of("status", "skipped"));
        assertThat(skipped.getLong("total")).isEqualTo(1);
        assertThat(skipped.getString("items[0].status")).isEqualTo("Skipped");
        assertThat(skipped.getString("items[0].process_name")).isEqualTo("summarization");
        assertThat(skipped.getString("items[0].error")).isEqualTo("run halted: cost budget reached");
    }

    @Test
    void shouldPageInAStableStageOrderWithTheTotal() {
        JsonPath first = list(Map.of("run_id", RUN_ONE, "size", "4"));
        JsonPath second = list(Map.of("run_id", RUN_ONE, "size", "4", "page", "1"));
        JsonPath third = list(Map.of("run_id", RUN_ONE, "size", "4", "page", "2"));

        assertThat(first.getInt("page")).isZero();
        assertThat(first.getInt("size")).isEqualTo(4);
        assertThat(first.getLong("total")).isEqualTo(6);
        assertThat(second.getLong("total")).isEqualTo(6);
        assertThat(first.getList("items")).hasSize(4);
        assertThat(second.getList("items")).hasSize(2);
        assertThat(third.getList("items")).isEmpty();

        List<String> ids = new ArrayList<>(first.getList("items.result_id", String.class));
        ids.addAll(second.getList("items.result_id", String.class));
        assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(RUN_ONE_IDS);
        List<Integer> stages = new ArrayList<>(first.getList("items.stage_index", Integer.class));
        stages.addAll(second.getList("items.stage_index", Integer.class));
        assertThat(stages).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(list(Map.of("run_id", RUN_ONE, "size", "4")).getList("items.result_id", String.class))
                .as("the same page twice").isEqualTo(first.getList("items.result_id", String.class));
    }

    @Test
    void shouldAnswerTheDefaultPageAndEveryItemField() {
        JsonPath page = list(Map.of());
        assertThat(page.getInt("page")).isZero();
        assertThat(page.getInt("size")).isEqualTo(50);
        assertThat(page.getLong("total")).isEqualTo(7);
        assertThat(page.getMap("items[0]")).containsOnlyKeys("result_id", "workflow_id", "run_id", "reference_id",
                "process_name", "stage_index", "result", "status", "error", "model", "prompt_tokens",
                "completion_tokens", "latency_ms", "cost_usd", "cached", "attempts", "issued_at", "completed_at",
                "created_at");
    }

    @Test
    void shouldAnswerAnEmptyPageForAWorkflowWithoutResults() {
        given().get("/workflows/{id}/results", UUID.randomUUID())
                .then().statusCode(200)
                .body("total", equalTo(0))
                .body("items.size()", equalTo(0));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "status=done,         status",
            "run_id=run-1,        run_id",
            "size=0,              size",
            "size=501,            size",
            "size=ten,            size",
            "page=-1,             page",
            "page=first,          page"
    })
    void shouldNameTheBadQueryParameter(String query, String field) {
        String[] pair = query.split("=", 2);
        given().queryParam(pair[0], pair[1])
                .get("/workflows/{id}/results", WORKFLOW)
                .then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field));
    }

    @Test
    void shouldNameEveryBadParameterAtOnce() {
        given().queryParam("status", "done").queryParam("page", "-3")
                .get("/workflows/{id}/results", "wf-1")
                .then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("errors.field", hasItems("workflow_id", "status", "page"))
                .body("errors.find { it.field == 'status' }.message",
                        equalTo("must be one of Pending, Completed, Failed, Skipped, got 'done'"));
    }

    @Test
    void shouldRejectABadRunOnTheSummary() {
        given().queryParam("run_id", "nope")
                .get("/workflows/{id}/results/summary", WORKFLOW)
                .then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("errors[0].field", equalTo("run_id"));
    }

    @Test
    void shouldGetOneResultOrNameTheMissingOne() {
        String id = RUN_ONE_IDS.get(0);
        given().get("/results/{id}", id)
                .then().statusCode(200)
                .body("result_id", equalTo(id))
                .body("status", equalTo("Completed"))
                .body("result", equalTo("Positive"));

        given().get("/results/{id}", UUID.randomUUID())
                .then().statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("errors[0].field", equalTo("result_id"));

        given().get("/results/{id}", "result-1")
                .then().statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("errors[0].field", equalTo("result_id"));
    }

    private static JsonPath list(Map<String, String> query) {
        return given().queryParams(query).get("/workflows/{id}/results", WORKFLOW)
                .then().statusCode(200).extract().jsonPath();
    }
}
