package dev.conveyor.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.FailedRowPolicy;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunFinished;
import dev.conveyor.schemas.RunOrdering;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;

/**
 * Two orchestrator instances (same application id, own state directories) on a real broker share
 * one source's run; one of them stops mid-run and the other takes its partitions over. A model
 * stand-in answers every task at once. Every task is issued exactly once as read committed, and
 * the run completes with every row through both processes.
 */
class OrchestratorScaleOutIT {

    private static final int ROWS = 3000;

    @Test
    void shouldShareARunAndHandItOverWhenAnInstanceStops() throws Exception {
        String servers = KafkaTestResource.bootstrapServers();
        TopicAdmin.ensure(servers, (short) 1, Duration.ofSeconds(60), Topics.ALL);
        String source = "scale-out-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = producer(servers)) {
            for (int i = 0; i < ROWS; i++) {
                String ref = UUID.randomUUID().toString();
                producer.send(new ProducerRecord<>(Topics.SOURCE_ROWS.name(), ref, Topics.SOURCE_ROWS.valueSerde()
                        .serializer().serialize("", RowIngested.newBuilder().setReferenceId(ref)
                                .setSourceConnection(source).setColumns(Map.of("data_column_1", "row " + i,
                                        "data_column_2", "text " + i))
                                .setIngestedAt(Instant.now()).build())));
            }
        }
        String applicationId = "scale-out-it-" + UUID.randomUUID();
        // Small chunks and in-flight limit: the run lasts long enough to stop an instance in it.
        OrchestrationSettings settings = OrchestrationSettings.defaults(Topics.STREAM_PARTITIONS)
                .withChunkSize(100).withMaxInFlight(50);
        KafkaStreams first = instance(servers, applicationId, settings);
        KafkaStreams second = instance(servers, applicationId, settings);
        first.start();
        second.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> first.state() == KafkaStreams.State.RUNNING
                && second.state() == KafkaStreams.State.RUNNING && !first.metadataForLocalThreads().isEmpty());
        await().atMost(Duration.ofSeconds(60)).until(() -> active(first) > 0 && active(second) > 0);

        Model model = new Model(servers);
        Thread modelThread = new Thread(model, "model-stand-in");
        modelThread.start();
        try (KafkaConsumer<String, byte[]> completed = consumer(servers, "scale-out-done-" + UUID.randomUUID());
                KafkaProducer<String, byte[]> producer = producer(servers)) {
            completed.subscribe(List.of(Topics.RUN_COMPLETED.name()));
            RunRequested command = RunRequested.newBuilder().setRunId(UUID.randomUUID().toString())
                    .setWorkflowId(UUID.randomUUID().toString()).setSourceConnection(source)
                    .setProcesses(List.of(BuiltInProcesses.shortForm("sentiment", "data_column_1"),
                            BuiltInProcesses.shortForm("summarization", "data_column_2")))
                    .setModel("stand-in").setExpectedRows(ROWS).setRequestedAt(Instant.now())
                    .setOrdering(RunOrdering.STAGED).setFailedRows(FailedRowPolicy.SKIP).build();
            producer.send(new ProducerRecord<>(Topics.RUN_COMMANDS.name(), command.getRunId(),
                    Topics.RUN_COMMANDS.valueSerde().serializer().serialize("", command))).get();

            await().atMost(Duration.ofMinutes(2)).until(() -> model.answered.get() >= ROWS / 2);
            first.close(Duration.ofSeconds(30)); // one instance leaves mid-run
            assertThat(model.answered.get()).as("stopped mid-run").isLessThan(2L * ROWS);

            RunFinished finished = await().atMost(Duration.ofMinutes(4)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : completed.poll(Duration.ofMillis(200))) {
                    RunFinished f = Topics.RUN_COMPLETED.valueSerde().deserializer().deserialize("", r.value());
                    if (f.getRunId().equals(command.getRunId())) {
                        return f;
                    }
                }
                return null;
            }, f -> f != null);

            assertThat(finished.getStatus()).isEqualTo("COMPLETED");
            assertThat(finished.getMembers()).isEqualTo(ROWS);
            assertThat(finished.getStages()).allSatisfy(s -> assertThat(s.getCompleted()).isEqualTo(ROWS));
            assertThat(model.answered.get()).as("every task answered once").isEqualTo(2L * ROWS);
            assertThat(model.duplicates.get()).as("no task issued twice").isZero();
        } finally {
            model.running.set(false);
            modelThread.join();
            second.close(Duration.ofSeconds(30));
            first.cleanUp();
            second.cleanUp();
        }
    }

    private static int active(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    private static KafkaStreams instance(String servers, String applicationId, OrchestrationSettings settings)
            throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("scale-out-state-").toString());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1_000);
        return new KafkaStreams(OrchestratorTopology.build(new StreamsBuilder(), settings, true, false), props);
    }

    private static KafkaProducer<String, byte[]> producer(String servers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> consumer(String servers, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Answers every task of the topic at once; counts what it saw twice. */
    private static final class Model implements Runnable {

        private final String servers;
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicLong answered = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        private final Set<String> seen = ConcurrentHashMap.newKeySet();

        Model(String servers) {
            this.servers = servers;
        }

        @Override
        public void run() {
            try (KafkaConsumer<String, byte[]> tasks = consumer(servers, "scale-out-model-" + UUID.randomUUID());
                    KafkaProducer<String, byte[]> results = producer(servers)) {
                tasks.subscribe(List.of(Topics.LLM_TASKS.name()));
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> r : tasks.poll(Duration.ofMillis(100))) {
                        TaskIssued task = Topics.LLM_TASKS.valueSerde().deserializer().deserialize("", r.value());
                        if (!task.getSourceConnection().startsWith("scale-out-")) {
                            continue;
                        }
                        if (!seen.add(task.getTaskId())) {
                            duplicates.incrementAndGet();
                            continue;
                        }
                        results.send(new ProducerRecord<>(Topics.LLM_RESULTS.name(), task.getTaskId(),
                                Topics.LLM_RESULTS.valueSerde().serializer().serialize("", TaskFinished.newBuilder()
                                        .setTaskId(task.getTaskId()).setRunId(task.getRunId())
                                        .setWorkflowId(task.getWorkflowId()).setReferenceId(task.getReferenceId())
                                        .setSourceConnection(task.getSourceConnection())
                                        .setProcessName(task.getProcessName()).setStageIndex(task.getStageIndex())
                                        .setOutcome(TaskOutcome.COMPLETED).setOutput("ok").setModel("stand-in")
                                        .setIssuedAt(task.getIssuedAt()).setFinishedAt(Instant.now()).build())));
                        answered.incrementAndGet();
                    }
                }
            }
        }
    }
}
