package dev.conveyor.review.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.conveyor.review.KafkaTestClient;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * How the packaged runs feed review-service, reproduced against a real broker and PostgreSQL: the
 * orchestrator writes a stage's tasks in one Kafka transaction (read_committed, with commit and
 * abort markers), the workers' results follow one by one, on other partitions and sometimes ahead
 * of their tasks, while a client reads the run's results all the time. Every row must end
 * Completed, with nothing arriving after the last result to wake the consumer up.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class ResultDeliveryIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int ROWS = 30;

    private static KafkaTestClient kafka;
    private static KafkaProducer<String, TaskIssued> orchestrator;

    private final String workflowId = UUID.randomUUID().toString();
    private final String runId = UUID.randomUUID().toString();

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "review-delivery-it-" + UUID.randomUUID());
        orchestrator = new KafkaProducer<>(props, Topics.LLM_TASKS.keySerde().serializer(),
                Topics.LLM_TASKS.valueSerde().serializer());
        orchestrator.initTransactions();
    }

    @AfterAll
    static void disconnect() {
        orchestrator.close();
        kafka.close();
    }

    @Test
    void shouldCompleteEveryRowOfAStageWhoseResultsTrickleInAfterItsTasksWhileTheRunIsRead() throws Exception {
        List<TaskEvents> stage0 = tasks("sentiment", 0);
        List<TaskEvents> stage1 = tasks("summarization", 1);
        ExecutorService reader = Executors.newSingleThreadExecutor();
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        try {
            // a client polling the run, as the end-to-end test and the UI do
            Future<?> polling = reader.submit(() -> {
                while (reading.get()) {
                    given().queryParam("run_id", runId).queryParam("size", 200)
                            .get("/workflows/{id}/results", workflowId).then().statusCode(200);
                    reads.incrementAndGet();
                }
            });
            issueInOneTransaction(stage0);
            abortedTransaction(); // an orchestrator that aborts leaves abort markers behind
            for (TaskEvents task : stage0) {
                kafka.finish(task.completed("Positive", task.issuedAt().plusMillis(10)));
            }
            awaitCompleted(stage0);
            issueInOneTransaction(stage1);
            for (TaskEvents task : stage1) {
                kafka.finish(task.completed("A summary.", task.issuedAt().plusMillis(10)));
            }
            // nothing is produced after the last result
            awaitCompleted(stage1);
            reading.set(false);
            polling.get(30, TimeUnit.SECONDS);
        } finally {
            reading.set(false);
            reader.shutdownNow();
        }
        assertThat(reads.get()).as("reads of the run while it was applied").isPositive();
        assertThat(statuses()).as("status of every row of the run").hasSize(2 * ROWS).containsOnly("Completed");
    }

    @Test
    void shouldCompleteEveryRowWhenTheResultsReachReviewBeforeTheirTasks() {
        List<TaskEvents> stage = tasks("sentiment", 0);
        for (TaskEvents task : stage) {
            kafka.finish(task.completed("Positive", task.issuedAt().plusMillis(10)));
        }
        awaitCompleted(stage);
        // the tasks come late (their partition was behind): they must not put a row back to Pending
        for (RecordMetadata task : issueInOneTransaction(stage)) {
            kafka.awaitConsumed(task);
        }
        assertThat(statuses()).as("status of every row of the run").hasSize(ROWS).containsOnly("Completed");
    }

    private List<TaskEvents> tasks(String process, int stage) {
        List<TaskEvents> tasks = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            tasks.add(TaskEvents.task(workflowId, runId, process, stage));
        }
        return tasks;
    }

    /** As the orchestrator issues a stage: one transaction; the records' places once it committed. */
    private static List<RecordMetadata> issueInOneTransaction(List<TaskEvents> tasks) {
        orchestrator.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (TaskEvents task : tasks) {
            sent.add(orchestrator.send(new ProducerRecord<>(Topics.LLM_TASKS.name(), task.taskId(), task.issued())));
        }
        orchestrator.commitTransaction();
        List<RecordMetadata> written = new ArrayList<>();
        try {
            for (Future<RecordMetadata> f : sent) {
                written.add(f.get(30, TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            throw new IllegalStateException("tasks not written", e);
        }
        return written;
    }

    private void abortedTransaction() {
        orchestrator.beginTransaction();
        for (TaskEvents task : tasks("aborted", 0)) {
            orchestrator.send(new ProducerRecord<>(Topics.LLM_TASKS.name(), task.taskId(), task.issued()));
        }
        orchestrator.flush();
        orchestrator.abortTransaction();
    }

    private void awaitCompleted(List<TaskEvents> tasks) {
        List<String> ids = tasks.stream().map(TaskEvents::taskId).toList();
        await("every result of the stage applied").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<Map<String, Object>> items = given().queryParam("run_id", runId).queryParam("size", 200)
                            .get("/workflows/{id}/results", workflowId).then().statusCode(200).extract()
                            .jsonPath().getList("items");
                    return items.stream().filter(i -> ids.contains(i.get("result_id")))
                            .filter(i -> "Completed".equals(i.get("status"))).count() == ids.size();
                });
    }

    private List<String> statuses() {
        return given().queryParam("run_id", runId).queryParam("size", 200).get("/workflows/{id}/results", workflowId)
                .then().statusCode(200).extract().jsonPath().getList("items.status", String.class);
    }
}
