package dev.conveyor.orchestrator.metrics;

import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.FailedRowPolicy;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunOrdering;
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
 * The orchestrator's meters as Prometheus scrapes them from /q/metrics: a two-stage run with one
 * Failed row moves the run counters and records each stage's duration; the active-runs gauge and
 * the Kafka Streams consumers' lag are there.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class OrchestratorMetricsIT {

    @Test
    void shouldCountRunsAndTimeStagesOnTheMetricsEndpoint() {
        double startedBefore = value(scrape(), "conveyor_orchestrator_runs_started_total", "");
        String source = "metrics-" + UUID.randomUUID();
        String workflowId = UUID.randomUUID().toString();
        var processes = List.of(BuiltInProcesses.shortForm("sentiment", "data_column_1"),
                BuiltInProcesses.shortForm("summarization", "data_column_1"));
        Properties props = new Properties();
        props.put("bootstrap.servers", KafkaTestResource.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer());
                KafkaConsumer<String, byte[]> tasks = consumer()) {
            tasks.subscribe(List.of(Topics.LLM_TASKS.name()));
            send(producer, Topics.WORKFLOW_DEFINITIONS, workflowId, WorkflowDefined.newBuilder()
                    .setWorkflowId(workflowId).setWorkflowName("W").setSourceConnection(source)
                    .setProcesses(processes).setModel("gpt-4").setCreatedAt(Instant.now())
                    .setFailedRows(FailedRowPolicy.SKIP).build());
            for (int i = 0; i < 2; i++) {
                String ref = UUID.randomUUID().toString();
                send(producer, Topics.SOURCE_ROWS, ref, RowIngested.newBuilder().setReferenceId(ref)
                        .setSourceConnection(source).setColumns(Map.of("data_column_1", "row " + i))
                        .setIngestedAt(Instant.now()).build());
            }
            String runId = UUID.randomUUID().toString();
            send(producer, Topics.RUN_COMMANDS, runId, RunRequested.newBuilder().setRunId(runId)
                    .setWorkflowId(workflowId).setSourceConnection(source).setProcesses(processes).setModel("gpt-4")
                    .setExpectedRows(2).setRequestedAt(Instant.now())
                    // set, not defaulted: Avro resolves enum defaults through its own class loader
                    .setOrdering(RunOrdering.STAGED).setFailedRows(FailedRowPolicy.SKIP).build());

            List<TaskIssued> first = awaitTasks(tasks, runId, 0, 2);
            answer(producer, first.get(0), TaskOutcome.COMPLETED);
            answer(producer, first.get(1), TaskOutcome.COMPLETED);
            List<TaskIssued> second = awaitTasks(tasks, runId, 1, 2);
            answer(producer, second.get(0), TaskOutcome.COMPLETED);
            answer(producer, second.get(1), TaskOutcome.FAILED);
        }

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            String metrics = scrape();
            assertThat(value(metrics, "conveyor_orchestrator_runs_started_total", ""))
                    .isGreaterThanOrEqualTo(startedBefore + 1);
            assertThat(value(metrics, "conveyor_orchestrator_runs_finished_total",
                    "status=\"completed\",with_failed_rows=\"true\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(metrics, "conveyor_orchestrator_stage_duration_seconds_count",
                    "process=\"sentiment\",stage=\"0\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(metrics, "conveyor_orchestrator_stage_duration_seconds_count",
                    "process=\"summarization\",stage=\"1\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(metrics, "conveyor_orchestrator_run_duration_seconds_count", "status=\"completed\""))
                    .isGreaterThanOrEqualTo(1);
            assertThat(metrics).contains("conveyor_orchestrator_runs_active{status=\"running\"")
                    .contains("conveyor_orchestrator_runs_active{status=\"paused\"")
                    // consumer lag of the Kafka Streams consumers (Micrometer's Kafka binder)
                    .containsPattern("kafka_consumer_fetch_manager_records_lag(_max)?\\{");
        });
    }

    private static String scrape() {
        return when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sum of the samples of {@code name} whose labels contain {@code labels} (all when empty); 0 if none. */
    static double value(String metrics, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)$").matcher(metrics);
        double sum = 0;
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            if (found.contains(labels)) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    private static List<TaskIssued> awaitTasks(KafkaConsumer<String, byte[]> consumer, String runId, int stage,
            int count) {
        List<TaskIssued> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                TaskIssued task = Topics.LLM_TASKS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (task != null && task.getRunId().equals(runId) && task.getStageIndex() == stage) {
                    seen.add(task);
                }
            });
            return seen.size() >= count;
        });
        return seen;
    }

    private static void answer(KafkaProducer<String, byte[]> producer, TaskIssued task, TaskOutcome outcome) {
        send(producer, Topics.LLM_RESULTS, task.getTaskId(), TaskFinished.newBuilder().setTaskId(task.getTaskId())
                .setRunId(task.getRunId()).setWorkflowId(task.getWorkflowId()).setReferenceId(task.getReferenceId())
                .setSourceConnection(task.getSourceConnection()).setProcessName(task.getProcessName())
                .setStageIndex(task.getStageIndex()).setOutcome(outcome).setModel("gpt-4")
                .setIssuedAt(task.getIssuedAt()).setFinishedAt(Instant.now()).build());
    }

    private static <V> void send(KafkaProducer<String, byte[]> producer, TopicSpec<String, V> topic, String key,
            V value) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key,
                    topic.valueSerde().serializer().serialize(topic.name(), value))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "metrics-it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
