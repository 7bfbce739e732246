package dev.conveyor.orchestrator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

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
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Test;

import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.orchestrator.streams.OrchestrationSettings;
import dev.conveyor.orchestrator.streams.OrchestratorTopology;
import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.RunFinished;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;

/**
 * A two-process run over N rows on a real (embedded KRaft) broker, with the orchestrator's
 * topology in this JVM and an in-process model that answers every task at once. Not a test:
 * run with {@code ./mvnw -B -pl orchestrator-service -Pbenchmark verify -Dbench.rows=10000,100000,1000000}.
 *
 * <p>Measures, per size: rows produced; time from the run command to the first task; tasks a
 * second the orchestrator issued in each stage (first to last task of the stage, as the model
 * received them); the gap between the last result of process 1 and the first task of process 2;
 * the orchestrator's heap (used heap after GC, less the same figure before its start: the broker
 * and model share the JVM), the state directory's size and the run-state entries at the end of
 * the run and after the retention.
 */
class RunScaleBenchmark {

    private static final List<ProcessStep> PROCESSES = List.of(
            BuiltInProcesses.shortForm("sentiment", "data_column_1"),
            BuiltInProcesses.shortForm("summarization", "data_column_2"));

    @Test
    void runAtScale() throws Exception {
        String servers = KafkaTestResource.bootstrapServers();
        TopicAdmin.ensure(servers, (short) 1, Duration.ofSeconds(60), Topics.ALL);
        Path stateDir = Files.createTempDirectory("bench-orchestrator-state-");
        Duration retention = Duration.ofSeconds(Long.getLong("bench.retention-s", 5));
        OrchestrationSettings settings = OrchestrationSettings.defaults(Topics.STREAM_PARTITIONS)
                .withChunkSize(Integer.getInteger("bench.chunk", 2000))
                .withMaxInFlight(Long.getLong("bench.max-in-flight", 2_000))
                .withRetention(retention);
        // One orchestrator for every size, as in production: sizes run one after the other.
        KafkaStreams streams = new KafkaStreams(
                OrchestratorTopology.build(new StreamsBuilder(), settings, true, false),
                streamsProps(servers, "bench-orchestrator-" + UUID.randomUUID(), stateDir));
        streams.start();
        awaitRunning(streams);
        List<String> lines = new ArrayList<>();
        try {
            measure(servers, streams, stateDir, retention, 500); // warm-up: internal topics, JIT
            for (String size : System.getProperty("bench.rows", "10000,100000,1000000").split(",")) {
                lines.add(measure(servers, streams, stateDir, retention, Integer.parseInt(size.trim())));
                System.out.println(lines.get(lines.size() - 1));
            }
        } finally {
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
        }
        System.out.println("\n| rows | produce | run start -> first task | stage 1 tasks/s | stage 2 tasks/s | run tasks/s"
                + " | gap P1 last result -> P2 first task | heap after run (delta) | state dir at end | run-state entries end -> after retention | run wall |");
        lines.forEach(System.out::println);
    }

    private String measure(String servers, KafkaStreams streams, Path stateDir, Duration retention, int n)
            throws Exception {
        String source = "bench-" + n + "-" + UUID.randomUUID().toString().substring(0, 8);
        long produceStart = System.nanoTime();
        produceRows(servers, source, n);
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
        awaitRowsCounted(streams, source, n, Duration.ofMinutes(20));

        long baseline = usedHeapAfterGc();
        RunRequested command = RunRequested.newBuilder()
                .setRunId(UUID.randomUUID().toString()).setWorkflowId(UUID.randomUUID().toString())
                .setSourceConnection(source).setProcesses(PROCESSES).setModel("instant")
                .setExpectedRows(n).setRequestedAt(Instant.now()).build();
        InstantModel model = new InstantModel(servers, n, command.getRunId());
        Thread modelThread = new Thread(model, "instant-model");
        modelThread.start();
        // The model starts at the end of the task topic: reading the earlier sizes' tasks first
        // would count as the orchestrator's time to its first task.
        if (!model.ready.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the model did not reach the end of " + Topics.LLM_TASKS.name());
        }
        long runStart = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = producer(servers)) {
            producer.send(new ProducerRecord<>(Topics.RUN_COMMANDS.name(), command.getRunId(),
                    Topics.RUN_COMMANDS.valueSerde().serializer().serialize("", command))).get();
        }
        RunFinished finished = awaitFinished(servers, command.getRunId(), Duration.ofMinutes(40));
        long runEnd = System.nanoTime();
        model.stop();
        modelThread.join();
        model.seen.clear(); // the model's bookkeeping is not the orchestrator's heap

        long heap = usedHeapAfterGc();
        long stateAtEnd = size(stateDir);
        long entriesAtEnd = runStateEntries(streams);
        long deadline = System.nanoTime() + retention.plusSeconds(120).toNanos();
        long entriesAfter = entriesAtEnd;
        while (System.nanoTime() < deadline && (entriesAfter = runStateEntries(streams)) > 0) {
            Thread.sleep(500); // polling the stores for the retention's deletes, with a deadline
        }

        assertThat(finished.getStatus()).isEqualTo("COMPLETED");
        assertThat(finished.getStages()).allSatisfy(s -> assertThat(s.getCompleted()).isEqualTo(n));
        assertThat(model.duplicates.get()).as("tasks issued twice").isZero();

        double firstTaskMs = (model.firstTaskAt[0] - runStart) / 1e6;
        double stage1 = n / Math.max(1e-9, (model.lastTaskAt[0] - model.firstTaskAt[0]) / 1e9);
        double stage2 = n / Math.max(1e-9, (model.lastTaskAt[1] - model.firstTaskAt[1]) / 1e9);
        double gapMs = (model.firstTaskAt[1] - model.lastResultAt[0]) / 1e6;
        double wall = (runEnd - runStart) / 1e9;
        return String.format(Locale.ROOT,
                "| %,d | %.1f s | %.0f ms | %,.0f | %,.0f | %,.0f | %.0f ms | %,d MB (%+,d MB) | %,d MB | %,d -> %,d | %.1f s |",
                n, produceSeconds, firstTaskMs, stage1, stage2, 2.0 * n / wall, gapMs, heap >> 20,
                (heap - baseline) >> 20, stateAtEnd >> 20, entriesAtEnd, entriesAfter, wall);
    }

    /** Waits until the coordinator has counted the source's rows, so the run measures the run. */
    private static void awaitRowsCounted(KafkaStreams streams, String source, int n, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long counted = 0;
            try (var it = streams.store(StoreQueryParameters.fromNameAndType(OrchestratorTopology.SOURCE_COUNTS_STORE,
                    QueryableStoreTypes.<String, Long>keyValueStore())).prefixScan(source + '\u0000',
                            new StringSerializer())) {
                while (it.hasNext()) {
                    counted += it.next().value;
                }
            } catch (RuntimeException notReady) {
                counted = -1;
            }
            if (counted >= n) {
                return;
            }
            Thread.sleep(200); // polling the store with a deadline
        }
        throw new IllegalStateException("rows of " + source + " not counted within " + timeout);
    }

    /** Entries of the per-run stores (members, deadlines, partitions, definitions, runs, counts). */
    private static long runStateEntries(KafkaStreams streams) {
        long total = 0;
        for (String store : List.of(OrchestratorTopology.RUN_MEMBERS_STORE, OrchestratorTopology.DEADLINES_STORE,
                OrchestratorTopology.RUN_PARTITIONS_STORE, OrchestratorTopology.RUN_DEFINITIONS_STORE,
                OrchestratorTopology.RUNS_STORE, OrchestratorTopology.RUN_COUNTS_STORE)) {
            // counted, not estimated: RocksDB's estimate lags deletes until compaction
            try (var it = streams.store(StoreQueryParameters.fromNameAndType(store,
                    QueryableStoreTypes.keyValueStore())).all()) {
                while (it.hasNext()) {
                    it.next();
                    total++;
                }
            } catch (RuntimeException e) {
                return -1;
            }
        }
        return total;
    }

    private static void produceRows(String servers, String source, int n) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(servers)) {
            var serializer = Topics.SOURCE_ROWS.valueSerde().serializer();
            Instant now = Instant.now();
            for (int i = 0; i < n; i++) {
                String ref = UUID.randomUUID().toString();
                RowIngested row = RowIngested.newBuilder().setReferenceId(ref).setSourceConnection(source)
                        .setColumns(Map.of("data_column_1", "Row " + i + ": I loved this movie, truly.",
                                "data_column_2", "Row " + i + ": the plot was great and the acting better.",
                                "unused_column", "never read by the workflow " + i))
                        .setIngestedAt(now).build();
                producer.send(new ProducerRecord<>(Topics.SOURCE_ROWS.name(), ref, serializer.serialize("", row)));
            }
            producer.flush();
        }
    }

    private static KafkaProducer<String, byte[]> producer(String servers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Topics just created may not have leaders yet: plain retries, no sequence numbers to trip
        // over (a row sent twice is the same reference id, kept once).
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static Properties streamsProps(String servers, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.getInteger("bench.threads", 2));
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
                dev.conveyor.orchestrator.streams.BoundedRocksDbConfig.class);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return props;
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("streams not running: " + streams.state());
            }
            Thread.sleep(50); // polling the state with a deadline
        }
    }

    private static RunFinished awaitFinished(String servers, String runId, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(servers, "bench-finished-" + runId)) {
            consumer.subscribe(List.of(Topics.RUN_COMPLETED.name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    RunFinished finished = Topics.RUN_COMPLETED.valueSerde().deserializer().deserialize("",
                            record.value());
                    if (finished.getRunId().equals(runId)) {
                        return finished;
                    }
                }
            }
        }
        throw new IllegalStateException("run " + runId + " did not finish within " + timeout);
    }

    private static KafkaConsumer<String, byte[]> consumer(String servers, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A model that answers every task at once: a consumer of tasks and a producer of results. */
    private static final class InstantModel implements Runnable {

        private final String servers;
        private final int n;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        final long[] firstTaskAt = new long[2];
        final long[] lastTaskAt = new long[2];
        final long[] lastResultAt = new long[2];
        final long[] tasks = new long[2];
        final AtomicLong duplicates = new AtomicLong();
        private final java.util.Set<String> seen = new java.util.HashSet<>();

        private final String runId;

        InstantModel(String servers, int n, String runId) {
            this.servers = servers;
            this.n = n;
            this.runId = runId;
        }

        void stop() {
            running.set(false);
        }

        @Override
        public void run() {
            var tasksIn = Topics.LLM_TASKS.valueSerde().deserializer();
            var resultsOut = Topics.LLM_RESULTS.valueSerde().serializer();
            try (KafkaConsumer<String, byte[]> consumer = consumer(servers, "instant-model-" + UUID.randomUUID());
                    KafkaProducer<String, byte[]> producer = producer(servers)) {
                List<org.apache.kafka.common.TopicPartition> partitions = consumer
                        .partitionsFor(Topics.LLM_TASKS.name()).stream()
                        .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // resolves the end offsets now
                ready.countDown();
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        TaskIssued task = tasksIn.deserialize("", record.value());
                        if (!task.getRunId().equals(runId)) {
                            continue; // an earlier run's task, answered then
                        }
                        int stage = task.getStageIndex();
                        long now = System.nanoTime();
                        if (!seen.add(task.getTaskId())) {
                            duplicates.incrementAndGet();
                            continue;
                        }
                        if (tasks[stage]++ == 0) {
                            firstTaskAt[stage] = now;
                        }
                        lastTaskAt[stage] = now;
                        TaskFinished result = TaskFinished.newBuilder()
                                .setTaskId(task.getTaskId()).setRunId(task.getRunId())
                                .setWorkflowId(task.getWorkflowId()).setReferenceId(task.getReferenceId())
                                .setSourceConnection(task.getSourceConnection()).setProcessName(task.getProcessName())
                                .setStageIndex(stage).setOutcome(TaskOutcome.COMPLETED).setOutput("Positive")
                                .setModel("instant").setIssuedAt(task.getIssuedAt()).setFinishedAt(Instant.now())
                                .setPromptTokens(20).setCompletionTokens(1).build();
                        producer.send(new ProducerRecord<>(Topics.LLM_RESULTS.name(), task.getTaskId(),
                                resultsOut.serialize("", result)));
                        if (tasks[stage] == n) {
                            producer.flush();
                            lastResultAt[stage] = System.nanoTime();
                        }
                    }
                }
            }
        }
    }
}
