package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.local.ConveyorClient;
import dev.conveyor.local.Database;
import dev.conveyor.local.LlmEndpoint;
import dev.conveyor.local.LocalStack;
import dev.conveyor.local.SeedData;
import dev.conveyor.local.ServiceProcess;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.FakeOpenAiServer;
import dev.conveyor.testing.FakeOpenAiServer.Reply;
import dev.conveyor.testing.SeedAnswers;

/**
 * What production does to the packaged services, each in its own JVM: a worker stopped with
 * SIGTERM mid-run; {@code kill -9} of the worker, of the orchestrator mid-stage, of review-service
 * and of ingest-service during a batch of uploads, each restarted; the broker away for longer
 * than the commit time-out; a provider that refuses (429, 500) or times out 30% of its calls.
 * Every run must complete with exactly one Completed result per (row, process), and the paid
 * calls made twice must stay within the worker's in-flight window (none for the tasks a stopping
 * worker drained). A few small runs on one stack keep the wall time reasonable.
 */
class FailureRecoveryIT {

    /** conveyor.worker.concurrency: the most calls a worker that dies can have started and not written back. */
    private static final int IN_FLIGHT_WINDOW = 64;
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(3);

    /**
     * The worker's model-call time-out in this stack (quarkus.langchain4j.openai.timeout): short, so
     * that the time-out case stays short, and still well above the slowest answer of the other
     * cases (1.5 s).
     */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(4);

    private static final AtomicReference<FakeOpenAiServer.Responder> PROVIDER = new AtomicReference<>();
    /** The text of every call the provider would bill: answered, or worked on until the caller gave up. */
    private static final Queue<String> BILLED = new ConcurrentLinkedQueue<>();
    private static FakeOpenAiServer model;
    private static LocalStack stack;

    /** A run and the reference ids of the rows ingest told the client it stored. */
    private record Run(String scenario, String workflowId, String runId, Set<String> referenceIds) {
        int rows() {
            return referenceIds.size();
        }

        int tasks() {
            return rows() * SeedData.PROCESSES.size();
        }
    }

    @BeforeAll
    static void startPlatform() {
        PROVIDER.set(SeedAnswers::reply);
        model = FakeOpenAiServer.start(request -> {
            Reply reply = PROVIDER.get().reply(request);
            if (reply.status() == 200 || reply.delayMillis() >= CALL_TIMEOUT.toMillis()) {
                BILLED.add(request.allText());
            }
            return reply;
        });
        Path root = Path.of(System.getProperty("conveyor.repo.root", "..")).toAbsolutePath().normalize();
        stack = LocalStack.start(root, Optional.of(new LlmEndpoint(model.baseUrl(), "test-key", "fake-model")),
                Database.embedded(), root.resolve("e2e-tests/target/stack-failures"), System.out::println,
                Map.of(), Map.of(LocalStack.WORKER, new LocalStack.Settings(
                        Map.of("quarkus.langchain4j.openai.timeout", CALL_TIMEOUT.toMillis() + "ms"), Map.of())));
    }

    @AfterAll
    static void stopPlatform() {
        if (stack != null) {
            stack.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void shouldFinishTheCallsInFlightWhenTheWorkerGetsSigtermAndLeaveTheRestToTheNextWorker() {
        slowProvider(1_500);
        // More rows than the worker's 64 calls in flight, so that calls are on the wire at SIGTERM.
        Run run = start("sigterm", 100);
        awaitCompleted(run, 3);

        ServiceProcess worker = stack.service(LocalStack.WORKER);
        // 30 s of grace for its calls (each takes 1.5 s), then it must be gone
        assertThat(worker.terminate(Duration.ofSeconds(45))).as("worker exited within its grace period").isTrue();
        int inFlight = inFlightAtSigterm(worker);
        assertThat(inFlight).as("calls on the wire when SIGTERM came").isPositive();
        assertThat(results(run)).noneMatch(r -> "Failed".equals(r.path("status").asText()));

        int unfinished = unfinishedAtTheEndOfTheGrace(worker);
        worker.restart().awaitReady(Duration.ofSeconds(120));
        assertCompletedExactlyOnce(run);
        // The stopping worker finished what it had started, published it and committed it: its
        // successor calls again only the tasks cut short at the end of the grace period (none here).
        assertThat(paidCalls(run) - run.tasks()).as("paid calls repeated by the successor (%d tasks were in"
                + " flight at SIGTERM, %d did not finish within the grace period)", inFlight, unfinished)
                .isBetween(0L, (long) unfinished);
    }

    @Test
    void shouldCompleteTheRunWhenTheWorkerIsKilledMidRun() {
        killAndRestartMidRun(LocalStack.WORKER, "kill-worker");
    }

    @Test
    void shouldCompleteTheRunWhenTheOrchestratorIsKilledMidStage() {
        killAndRestartMidRun(LocalStack.ORCHESTRATOR, "kill-orchestrator");
    }

    @Test
    void shouldCompleteTheRunWhenReviewIsKilledMidRun() {
        killAndRestartMidRun(LocalStack.REVIEW, "kill-review");
    }

    @Test
    void shouldKeepEveryAcceptedRowWhenIngestIsKilledDuringABatch() throws Exception {
        slowProvider(100);
        String scenario = "kill-ingest";
        String source = "failures-" + scenario;
        int batches = 8;
        int rowsPerBatch = 10;
        List<List<Map<String, String>>> uploads = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<Map<String, String>> rows = new ArrayList<>();
            for (int i = 0; i < rowsPerBatch; i++) {
                rows.add(row(scenario, b * rowsPerBatch + i));
            }
            uploads.add(rows);
        }
        // One client uploads the batches in turn, each under its own Idempotency-Key, and sends a
        // batch again (same key) when ingest did not answer, as a client must.
        List<List<String>> accepted = new CopyOnWriteArrayList<>();
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<?> uploading = client.submit(() -> {
                for (int b = 0; b < batches; b++) {
                    String key = scenario + "-" + b + "-" + UUID.randomUUID();
                    List<Map<String, String>> rows = uploads.get(b);
                    accepted.add(await(scenario + ": batch " + b + " accepted").atMost(RUN_DEADLINE)
                            .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                            .until(() -> stack.client().ingest(source, rows, key), ids -> ids.size() == rows.size()));
                }
            });
            await(scenario + ": two batches accepted").atMost(RUN_DEADLINE).pollInterval(Duration.ofMillis(20))
                    .until(() -> accepted.size() >= 2);
            ServiceProcess ingest = stack.service(LocalStack.INGEST);
            ingest.kill(); // the next batch is on the wire or in its transaction; the relay is publishing
            ingest.restart().awaitReady(Duration.ofSeconds(120));
            uploading.get(RUN_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } finally {
            client.shutdownNow();
        }
        Set<String> acceptedIds = new HashSet<>();
        accepted.forEach(acceptedIds::addAll);
        assertThat(acceptedIds).as("reference ids the client was given").hasSize(batches * rowsPerBatch);

        // Stored once: a batch sent again got its first answer back instead of a second copy.
        JsonNode catalogue = stack.client().send("GET", stack.service(LocalStack.INGEST).url() + "/sources/" + source,
                null);
        assertThat(catalogue.path("row_count").asLong()).as("rows stored").isEqualTo(acceptedIds.size());
        // Relayed: every accepted row reaches conveyor.source-rows (read_committed).
        Map<String, Integer> published = await(scenario + ": every accepted row published").atMost(RUN_DEADLINE)
                .pollInterval(Duration.ofSeconds(1)).until(() -> publishedRows(source),
                        p -> p.keySet().containsAll(acceptedIds));
        assertThat(published.keySet()).as("rows published").isEqualTo(acceptedIds);
        System.out.println(scenario + ": rows published more than once (same reference id, relay died between the"
                + " Kafka and the database commit): " + published.values().stream().filter(n -> n > 1).count());

        String workflowId = stack.client().createWorkflow("Workflow " + scenario, source, SeedData.PROCESSES,
                SeedData.MODEL).path("workflow_id").asText();
        String runId = stack.client().startRun(workflowId).path("run_id").asText();
        Run run = new Run(scenario, workflowId, runId, acceptedIds);
        assertCompletedExactlyOnce(run);
        assertThat(paidCalls(run) - run.tasks()).as("paid calls made twice").isBetween(0L, (long) IN_FLIGHT_WINDOW);
    }

    @Test
    void shouldCompleteTheRunWhenTheProviderFails30PercentOfCallsWith429Or500() {
        PROVIDER.set(request -> {
            int roll = ThreadLocalRandom.current().nextInt(100);
            if (roll < 15) {
                return Reply.error(429, "rate limited").withHeader("retry-after-ms", "50");
            }
            if (roll < 30) {
                return Reply.error(500, "internal error");
            }
            return SeedAnswers.reply(request);
        });
        Run run = start("flaky", 30);
        assertCompletedExactlyOnce(run);
        // A refused call costs nothing; each task is answered (billed) once.
        assertThat(paidCalls(run) - run.tasks()).as("paid calls made twice").isBetween(0L, (long) IN_FLIGHT_WINDOW);
    }

    @Test
    void shouldCompleteTheRunWhenTheProviderTimesOut30PercentOfCalls() {
        PROVIDER.set(request -> {
            if (ThreadLocalRandom.current().nextInt(100) < 30) {
                // never answers in time: the worker gives up after CALL_TIMEOUT and tries again
                return SeedAnswers.reply(request).delayedBy(CALL_TIMEOUT.toMillis() + 2_000);
            }
            return SeedAnswers.reply(request).delayedBy(50);
        });
        Run run = start("timeouts", 30);
        assertCompletedExactlyOnce(run);
        // A timed-out call is billed and made again: at most once per task in flight.
        assertThat(paidCalls(run) - run.tasks()).as("paid calls made twice").isBetween(0L, (long) IN_FLIGHT_WINDOW);
    }

    @Test
    void shouldResumeWhenTheBrokerIsAwayLongerThanTheCommitTimeOut() {
        slowProvider(100);
        Run run = start("broker-away", 20);
        awaitCompleted(run, 3);

        stack.broker().stop();
        // Longer than the clients' default.api.timeout.ms (60 s), the commit time-out.
        waitOut(Duration.ofSeconds(65));
        stack.broker().restart();

        // Consumption resumes, or a service whose consumer gave up reports liveness DOWN: never a silent stall.
        await("broker-away: every task completed, or a consumer reports DOWN").atMost(RUN_DEADLINE)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> allCompleted(run) || anyLivenessDown());
        assertThat(anyLivenessDown()).as("a service reports liveness DOWN after the broker came back").isFalse();
        assertCompletedExactlyOnce(run);
    }

    /** What the stopping worker logged: "stopping: N tasks in flight get up to 30 s to finish". */
    private static int inFlightAtSigterm(ServiceProcess worker) {
        Matcher m = Pattern.compile("stopping: (\\d+) tasks in flight")
                .matcher(worker.tail(400));
        int last = -1;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    /** What the stopping worker logged: "N tasks did not finish within 30 s"; none when it did not. */
    private static int unfinishedAtTheEndOfTheGrace(ServiceProcess worker) {
        Matcher m = Pattern.compile("(\\d+) tasks did not finish within")
                .matcher(worker.tail(400));
        int last = 0;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    private static boolean allCompleted(Run run) {
        return completedPairs(results(run)).size() == run.tasks();
    }

    private static boolean anyLivenessDown() {
        for (String module : List.of(LocalStack.INGEST, LocalStack.ORCHESTRATOR, LocalStack.WORKER,
                LocalStack.REVIEW)) {
            try {
                java.net.http.HttpResponse<Void> live = java.net.http.HttpClient.newHttpClient().send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(stack.service(module).url()
                                + "/q/health/live")).timeout(Duration.ofSeconds(2)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                if (live.statusCode() != 200) {
                    return true;
                }
            } catch (java.io.IOException e) {
                return true; // not answering at all
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return false;
    }

    /** The outage itself: time has to pass while nothing can be observed but the clock. */
    private static void waitOut(Duration outage) {
        long until = System.nanoTime() + outage.toNanos();
        await("outage of " + outage.toSeconds() + " s").atMost(outage.plusSeconds(5))
                .pollInterval(Duration.ofMillis(500)).until(() -> System.nanoTime() >= until);
    }

    private void killAndRestartMidRun(String module, String scenario) {
        slowProvider(300);
        Run run = start(scenario, 30);
        // mid-stage: some sentiment results are in, summarization has not finished
        awaitCompleted(run, 5);

        ServiceProcess service = stack.service(module);
        service.kill();
        service.restart().awaitReady(Duration.ofSeconds(120));

        assertCompletedExactlyOnce(run);
        assertThat(paidCalls(run) - run.tasks()).as("paid calls made twice").isBetween(0L, (long) IN_FLIGHT_WINDOW);
    }

    private static void slowProvider(long millis) {
        PROVIDER.set(request -> SeedAnswers.reply(request).delayedBy(millis));
    }

    private static Run start(String scenario, int rows) {
        ConveyorClient client = stack.client();
        String source = "failures-" + scenario;
        List<Map<String, String>> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            data.add(row(scenario, i));
        }
        List<String> referenceIds = client.ingest(source, data);
        assertThat(referenceIds).hasSize(rows).doesNotHaveDuplicates();
        String workflowId = client.createWorkflow("Workflow " + scenario, source, SeedData.PROCESSES, SeedData.MODEL)
                .path("workflow_id").asText();
        String runId = client.startRun(workflowId).path("run_id").asText();
        return new Run(scenario, workflowId, runId, Set.copyOf(referenceIds));
    }

    private static Map<String, String> row(String scenario, int i) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("data_column_1", "I love " + scenario + " row " + i + ".");
        row.put("data_column_2", "The " + scenario + " plot " + i + " was great.");
        return row;
    }

    /** How many times each reference id of {@code source} is on conveyor.source-rows, committed records only. */
    private static Map<String, Integer> publishedRows(String source) {
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.bootstrapServers());
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props,
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer
                    .partitionsFor(Topics.SOURCE_ROWS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> record
                        : consumer.poll(Duration.ofMillis(200))) {
                    RowIngested row = Topics.SOURCE_ROWS.valueSerde()
                            .deserializer().deserialize(record.topic(), record.value());
                    if (source.equals(row.getSourceConnection())) {
                        counts.merge(row.getReferenceId(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static List<JsonNode> results(Run run) {
        return stack.client().results(run.workflowId(), run.runId());
    }

    private static void awaitCompleted(Run run, int atLeast) {
        await(run.scenario() + ": " + atLeast + " results completed").atMost(RUN_DEADLINE)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> results(run).stream().filter(r -> "Completed".equals(r.path("status").asText()))
                        .count() >= atLeast);
    }

    /**
     * Every row the client was told was stored has exactly one result per process, Completed, and
     * the run has no other result: waits until each (row, process) has a Completed result, then
     * checks that nothing is there twice (a task issued twice for a row relayed twice would be).
     */
    private static List<JsonNode> assertCompletedExactlyOnce(Run run) {
        Set<String> expected = new HashSet<>();
        run.referenceIds().forEach(row -> SeedData.PROCESSES.keySet().forEach(p -> expected.add(row + "/" + p)));
        List<JsonNode> results;
        try {
            results = await(run.scenario() + ": every (row, process) completed").atMost(RUN_DEADLINE)
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> results(run), r -> completedPairs(r).containsAll(expected));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n" + whereTheResultsStopped(run), e);
        }
        assertThat(results).as("results of run %s", run.scenario())
                .extracting(r -> r.path("reference_id").asText() + "/" + r.path("process_name").asText())
                .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        assertThat(results).extracting(r -> r.path("status").asText()).containsOnly("Completed");
        return results;
    }

    private static Set<String> completedPairs(List<JsonNode> results) {
        Set<String> pairs = new HashSet<>();
        for (JsonNode r : results) {
            if ("Completed".equals(r.path("status").asText())) {
                pairs.add(r.path("reference_id").asText() + "/" + r.path("process_name").asText());
            }
        }
        return pairs;
    }

    /**
     * Why a run did not complete in review's table: for each task not Completed there, where its
     * TaskIssued and TaskFinished are on the broker (partition@offset, committed or not), and
     * how far review's consumer group has committed on those partitions.
     */
    private static String whereTheResultsStopped(Run run) {
        StringBuilder report = new StringBuilder("where the results stopped:\n");
        try {
            Map<String, String> status = new HashMap<>();
            results(run).forEach(r -> status.put(r.path("result_id").asText(), r.path("status").asText()));
            Map<String, String> issuedAt = new HashMap<>();
            Map<String, String> finishedAt = new HashMap<>();
            scan(Topics.LLM_TASKS.name(), "read_uncommitted", (record, taskId, runId) -> {
                if (run.runId().equals(runId)) {
                    issuedAt.merge(taskId, record.partition() + "@" + record.offset(), (a, b) -> a + "," + b);
                }
            });
            scan(Topics.LLM_RESULTS.name(), "read_uncommitted", (record, taskId, runId) -> {
                if (run.runId().equals(runId)) {
                    finishedAt.merge(taskId, record.partition() + "@" + record.offset(), (a, b) -> a + "," + b);
                }
            });
            int shown = 0;
            for (String taskId : issuedAt.keySet()) {
                String s = status.getOrDefault(taskId, "(no row)");
                if (!"Completed".equals(s) && shown++ < 40) {
                    report.append("  task ").append(taskId).append(": review ").append(s).append("; issued ")
                            .append(issuedAt.get(taskId)).append("; finished ")
                            .append(finishedAt.getOrDefault(taskId, "(not on llm-results)")).append('\n');
                }
            }
            List<String> deadLetters = new ArrayList<>();
            Properties props = new Properties();
            props.put("bootstrap.servers", stack.bootstrapServers());
            props.put("enable.auto.commit", "false");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEAD_LETTER.name()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                        && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        var letter = Topics.DEAD_LETTER.valueSerde().deserializer().deserialize(record.topic(),
                                record.value());
                        deadLetters.add(letter.getService() + " " + letter.getSourceTopic() + "-"
                                + letter.getSourcePartition() + "@" + letter.getSourceOffset() + ": "
                                + letter.getReason());
                    }
                }
            }
            report.append("  dead letters: ").append(deadLetters.size()).append('\n');
            deadLetters.stream().limit(20).forEach(d -> report.append("    ").append(d).append('\n'));
            report.append("  tasks on llm-tasks: ").append(issuedAt.size()).append(", results on llm-results: ")
                    .append(finishedAt.size()).append(", rows in review: ").append(status.size()).append('\n');
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", stack.bootstrapServers()))) {
                // the AI group reads llm-results too and stores nothing for a run: a second witness of delivery
                for (String group : List.of("conveyor-review", "conveyor-review-ai")) {
                    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed = admin
                            .listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                    Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
                    committed.keySet().forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
                    var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                    report.append("  group ").append(group).append(" (committed / end):");
                    committed.entrySet().stream().sorted(Map.Entry.comparingByKey(
                            java.util.Comparator.comparing(TopicPartition::toString)))
                            .forEach(e -> report.append(' ').append(e.getKey()).append('=')
                                    .append(e.getValue() == null ? "-" : e.getValue().offset()).append('/')
                                    .append(ends.get(e.getKey()).offset()));
                    report.append('\n');
                    report.append("  members: ").append(admin.describeConsumerGroups(List.of(group)).all()
                            .get(10, TimeUnit.SECONDS).get(group)).append('\n');
                }
            }
        } catch (Exception e) {
            report.append("  (could not look: ").append(e).append(")\n");
        }
        report.append("review's log, last lines:\n").append(stack.service(LocalStack.REVIEW).tail(60));
        return report.toString();
    }

    private interface TaskRecordVisitor {
        void visit(ConsumerRecord<byte[], byte[]> record, String taskId, String runId);
    }

    /** Reads a task topic from the start to its end, decoding TaskIssued / TaskFinished. */
    private static void scan(String topic, String isolation, TaskRecordVisitor visitor) {
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.bootstrapServers());
        props.put("isolation.level", isolation);
        props.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        if (topic.equals(Topics.LLM_TASKS.name())) {
                            var task = Topics.LLM_TASKS.valueSerde().deserializer().deserialize(topic, record.value());
                            visitor.visit(record, String.valueOf(task.getTaskId()), String.valueOf(task.getRunId()));
                        } else {
                            var result = Topics.LLM_RESULTS.valueSerde().deserializer().deserialize(topic,
                                    record.value());
                            visitor.visit(record, String.valueOf(result.getTaskId()),
                                    String.valueOf(result.getRunId()));
                        }
                    } catch (RuntimeException e) {
                        // not a task event (garbage a test wrote): not part of any run
                    }
                }
            }
        }
    }

    /**
     * Calls for this run's rows the provider would bill: those it answered, and those it worked on
     * until the worker's time-out (a provider bills those too). Refused calls (429, 500) are free.
     */
    private static long paidCalls(Run run) {
        String marker = " " + run.scenario() + " ";
        return BILLED.stream().filter(text -> text.contains(marker)).count();
    }
}
