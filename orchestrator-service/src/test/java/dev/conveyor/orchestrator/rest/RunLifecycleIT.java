package dev.conveyor.orchestrator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.FailedRowPolicy;
import dev.conveyor.schemas.RunOrdering;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunFinished;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.WorkflowDefined;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A run's life against a real broker: rows, workflow and run command go onto their topics (the
 * source catalogue, ingest-service, is not running here), tasks are read from
 * {@code conveyor.llm-tasks} and answered on {@code conveyor.llm-results} as a worker would;
 * the run is watched, paused, resumed and cancelled over REST, and its end announced on
 * {@code conveyor.run-completed}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class RunLifecycleIT {

    private KafkaProducer<String, byte[]> producer;
    private KafkaConsumer<String, byte[]> tasks;
    private String source;
    private String workflowId;

    @BeforeEach
    void setUp() {
        Properties props = new Properties();
        props.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        tasks = consumer("lifecycle-it-tasks-" + UUID.randomUUID());
        tasks.subscribe(List.of(Topics.LLM_TASKS.name()));
        source = "lifecycle-" + UUID.randomUUID();
        workflowId = UUID.randomUUID().toString();
        send(Topics.WORKFLOW_DEFINITIONS, workflowId, WorkflowDefined.newBuilder().setWorkflowId(workflowId)
                .setWorkflowName("W").setSourceConnection(source)
                .setProcesses(List.of(BuiltInProcesses.shortForm("sentiment", "data_column_1")))
                .setModel("gpt-4").setCreatedAt(Instant.now())
                // set, not defaulted: Avro builds an enum default through its own class loader,
                // which is not the one Quarkus tests load the schema classes with
                .setFailedRows(dev.conveyor.schemas.FailedRowPolicy.SKIP).build());
    }

    @AfterEach
    void tearDown() {
        producer.close();
        tasks.close();
    }

    @Test
    void shouldShowProgressAndAnnounceTheEndOfARun() {
        ingest(4);
        String runId = requestRun(4);
        List<TaskIssued> issued = awaitTasks(runId, 4);

        issued.subList(0, 3).forEach(t -> answer(t, TaskOutcome.COMPLETED));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .get("/workflows/{w}/runs/{r}", workflowId, runId)
                .then().statusCode(200)
                .body("status", equalTo("RUNNING"))
                .body("member_count", equalTo(4))
                .body("processes[0].process_name", equalTo("sentiment"))
                .body("processes[0].completed", equalTo(3))
                .body("processes[0].in_flight", equalTo(1))
                .body("processes[0].pending", equalTo(0))
                .body("spent_tokens", equalTo(33)));

        try (KafkaConsumer<String, byte[]> completed = consumer("lifecycle-it-done-" + UUID.randomUUID())) {
            completed.subscribe(List.of(Topics.RUN_COMPLETED.name()));
            answer(issued.get(3), TaskOutcome.FAILED);
            RunFinished finished = await().atMost(Duration.ofSeconds(30)).until(
                    () -> poll(completed, Topics.RUN_COMPLETED).stream()
                            .filter(f -> f.getRunId().equals(runId)).findFirst().orElse(null),
                    f -> f != null);
            assertThat(finished.getStatus()).isEqualTo("COMPLETED");
            assertThat(finished.getStages().get(0).getCompleted()).isEqualTo(3);
            assertThat(finished.getStages().get(0).getFailed()).isEqualTo(1);
        }
        given().get("/workflows/{w}/runs/{r}", workflowId, runId)
                .then().statusCode(200).body("status", equalTo("COMPLETED"))
                .body("processes[0].eta_seconds", equalTo(0.0f));
        // a finished run's stream is its last state, then the end of the stream
        String events = given().accept("text/event-stream").get("/workflows/{w}/runs/{r}/events", workflowId, runId)
                .then().statusCode(200).extract().asString();
        assertThat(events).contains("event:progress").contains("\"status\":\"COMPLETED\"");
    }

    @Test
    void shouldPauseResumeAndCancelOverRest() {
        ingest(3);
        String runId = requestRun(3);
        awaitTasks(runId, 3);

        given().post("/workflows/{w}/runs/{r}/pause", workflowId, runId).then().statusCode(202);
        awaitStatus(runId, "PAUSED");
        given().post("/workflows/{w}/runs/{r}/pause", workflowId, runId)
                .then().statusCode(409).contentType("application/problem+json");

        given().post("/workflows/{w}/runs/{r}/resume", workflowId, runId).then().statusCode(202);
        awaitStatus(runId, "RUNNING");

        given().post("/workflows/{w}/runs/{r}/cancel", workflowId, runId).then().statusCode(202);
        awaitStatus(runId, "CANCELLED");
        given().post("/workflows/{w}/runs/{r}/resume", workflowId, runId).then().statusCode(409);
    }

    @Test
    void shouldNameTheProcessARetryNeeds() {
        ingest(1);
        String runId = requestRun(1);
        awaitTasks(runId, 1);

        given().post("/workflows/{w}/runs/{r}/retry-failed?process=nope", workflowId, runId)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("process"));
    }

    private void awaitStatus(String runId, String status) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .get("/workflows/{w}/runs/{r}", workflowId, runId)
                .then().statusCode(200).body("status", equalTo(status)));
    }

    private void ingest(int rows) {
        for (int i = 0; i < rows; i++) {
            String ref = UUID.randomUUID().toString();
            send(Topics.SOURCE_ROWS, ref, RowIngested.newBuilder().setReferenceId(ref).setSourceConnection(source)
                    .setColumns(Map.of("data_column_1", "row " + i)).setIngestedAt(Instant.now()).build());
        }
    }

    private String requestRun(long rows) {
        String runId = UUID.randomUUID().toString();
        send(Topics.RUN_COMMANDS, runId, RunRequested.newBuilder().setRunId(runId).setWorkflowId(workflowId)
                .setSourceConnection(source)
                .setProcesses(List.of(BuiltInProcesses.shortForm("sentiment", "data_column_1")))
                .setModel("gpt-4").setExpectedRows(rows).setRequestedAt(Instant.now())
                // set, not defaulted: Avro resolves enum defaults through its own class loader
                .setOrdering(RunOrdering.STAGED).setFailedRows(FailedRowPolicy.SKIP).build());
        return runId;
    }

    private List<TaskIssued> awaitTasks(String runId, int count) {
        List<TaskIssued> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            poll(tasks, Topics.LLM_TASKS).stream().filter(t -> t.getRunId().equals(runId)).forEach(seen::add);
            return seen.size() >= count;
        });
        assertThat(seen).hasSize(count);
        return seen;
    }

    private void answer(TaskIssued task, TaskOutcome outcome) {
        send(Topics.LLM_RESULTS, task.getTaskId(), TaskFinished.newBuilder().setTaskId(task.getTaskId())
                .setRunId(task.getRunId()).setWorkflowId(task.getWorkflowId()).setReferenceId(task.getReferenceId())
                .setSourceConnection(task.getSourceConnection()).setProcessName(task.getProcessName())
                .setStageIndex(task.getStageIndex()).setOutcome(outcome).setModel("gpt-4")
                .setIssuedAt(task.getIssuedAt()).setFinishedAt(Instant.now())
                .setPromptTokens(10).setCompletionTokens(1).build());
    }

    private <V> void send(TopicSpec<String, V> topic, String key, V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, topic.valueSerde().serializer()
                    .serialize(topic.name(), value))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static <V> List<V> poll(KafkaConsumer<String, byte[]> consumer, TopicSpec<String, V> topic) {
        List<V> values = new ArrayList<>();
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(topic.valueSerde().deserializer()
                .deserialize(topic.name(), r.value())));
        return values;
    }

    private static KafkaConsumer<String, byte[]> consumer(String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
