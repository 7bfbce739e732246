package dev.conveyor.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.local.Database;
import dev.conveyor.local.EmbeddedKafka;
import dev.conveyor.local.LocalStack;
import dev.conveyor.local.ServiceProcess;
import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.TaskIds;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.FakeOpenAiServer;
import dev.conveyor.testing.RateLimitedProvider;
import dev.conveyor.testing.SeedAnswers;

/**
 * The LLM worker against a provider at its rate limit: N sentiment tasks go onto
 * {@code conveyor.llm-tasks}, the packaged worker runs as its own JVM and calls a fake
 * OpenAI-compatible provider with a fixed latency that admits calls against a requests- and a
 * tokens-per-minute limit and answers 429 beyond them. Measures throughput against the limit,
 * the share of 429s, task latency, the worker's CPU per task, outcomes and duplicates.
 *
 * <p>Not part of {@code ./mvnw verify}. Run it with
 * {@code ./mvnw -B -pl e2e-tests -Pbenchmark verify} after the worker is packaged; knobs are
 * {@code -Dbench.*} (see {@link BenchSettings}), and {@code -Dbench.record=true} appends the
 * row to docs/benchmarks.md. Fails only when a task is lost or answered twice.
 */
public class WorkerBenchmark {

    static final String SECTION = "## LLM worker at a provider's rate limit";
    private static final String WORKER = "llm-worker-service";
    private static final String PROCESS = "sentiment";
    private static final String COLUMN = "text";

    @Test
    void workerAtTheProvidersRateLimit() throws Exception {
        BenchReport report = run(BenchSettings.from(System.getProperties()), System.out::println);

        assertThat(report.lost()).as("tasks without a result").isZero();
        assertThat(report.duplicates()).as("tasks with more than one result").isZero();
    }

    public static void main(String[] args) throws Exception {
        BenchReport report = run(BenchSettings.from(System.getProperties()), System.out::println);
        System.exit(report.lost() == 0 && report.duplicates() == 0 ? 0 : 1);
    }

    static BenchReport run(BenchSettings s, Consumer<String> out) throws IOException {
        String label = s.label().isBlank() ? checkoutLabel(s.repoRoot()) : s.label();
        RateLimitedProvider provider = RateLimitedProvider.builder()
                .requestsPerMinute(s.requestsPerMinute()).tokensPerMinute(s.tokensPerMinute())
                .burstWindow(s.burstWindow()).enforcement(s.enforcement()).latency(s.latency()).build();
        Path workDir = Path.of(System.getProperty("bench.work-dir", "target/bench")).toAbsolutePath();

        out.accept("Starting Kafka, the fake provider and " + WORKER + " from " + s.repoRoot() + " ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                Database database = Database.embedded();
                FakeOpenAiServer model = FakeOpenAiServer.start(provider)) {
            database.recreate(List.of(LocalStack.WORKER_DATABASE));
            String bootstrap = kafka.bootstrapServers();
            TopicAdmin.ensure(bootstrap, (short) 1, Duration.ofSeconds(30), Topics.ALL);

            Map<String, String> props = new HashMap<>();
            props.put("kafka.bootstrap.servers", bootstrap);
            props.put("quarkus.langchain4j.openai.base-url", model.baseUrl());
            props.put("quarkus.langchain4j.openai.chat-model.model-name", s.model());
            props.put("conveyor.worker.concurrency", Integer.toString(s.concurrency()));
            props.put("quarkus.log.console.json", "false");
            // Every instance takes its calls' slots from one schedule in the worker's database.
            props.putAll(LocalStack.datasource(database, LocalStack.WORKER_DATABASE));
            props.putAll(s.workerProperties());
            Map<String, String> env = new HashMap<>(LocalStack.secrets(database));
            env.put("QUARKUS_LANGCHAIN4J_OPENAI_API_KEY", "bench-key");

            List<ServiceProcess> others = new java.util.ArrayList<>();
            try (ResultCollector results = new ResultCollector(bootstrap);
                    KafkaProducer<String, TaskIssued> producer = producer(bootstrap);
                    ServiceProcess worker = ServiceProcess.launch(s.repoRoot(), WORKER, props,
                            env, workDir.resolve("logs"))) {
                // Further instances: same group, same key, one provider, one shared schedule in the database.
                for (int i = 1; i < s.instances(); i++) {
                    others.add(ServiceProcess.launch(s.repoRoot(), WORKER, props, env,
                            workDir.resolve("logs/instance-" + (i + 1))));
                }
                worker.awaitReady(Duration.ofSeconds(120));
                for (ServiceProcess other : others) {
                    other.awaitReady(Duration.ofSeconds(120));
                }
                ProcessHandle workerProcess = processOf(worker);
                out.accept(WORKER + " ready (pid " + workerProcess.pid() + ", log " + worker.log() + "), "
                        + s.instances() + " instance(s), provider enforcing " + s.enforcement());

                if (s.warmupTasks() > 0) {
                    String warmup = UUID.randomUUID().toString();
                    produce(producer, warmup, s.warmupTasks(), s.model());
                    awaitUntil(() -> results.distinct(warmup) >= s.warmupTasks(), s.timeout(), results, worker);
                    awaitUntil(() -> provider.untilFull().isZero(), Duration.ofMinutes(2), results, worker);
                    out.accept("warm-up: " + s.warmupTasks() + " tasks done, provider back to a full allowance");
                }

                String runId = UUID.randomUUID().toString();
                RateLimitedProvider.Counters before = provider.counters();
                Duration cpuBefore = cpu(workerProcess);
                long start = System.currentTimeMillis();
                Map<String, String> expected = produce(producer, runId, s.tasks(), s.model());
                boolean all = awaitUntil(() -> results.distinct(runId) >= s.tasks(), s.timeout(), results, worker);
                Duration cpu = cpu(workerProcess).minus(cpuBefore);
                RateLimitedProvider.Counters calls = provider.counters().minus(before);
                if (!all) {
                    out.accept("timed out after " + s.timeout().toSeconds() + " s with " + results.distinct(runId)
                            + " of " + s.tasks() + " results");
                }
                observe(s.grace()); // late duplicates of tasks already answered

                List<ResultCollector.Received> firsts = results.firstResults(runId);
                long end = firsts.stream().mapToLong(ResultCollector.Received::receivedAtMillis).max().orElse(start);
                BenchReport report = BenchReport.of(new BenchReport.Measurement(s, label, s.tasks(), firsts,
                        results.duplicates(runId), start, end, calls, cpu, expected, results.deadLetterReasons()));
                out.accept(report.summary());
                List<RateLimitedProvider.Call> measured = provider.calls();
                measured = measured.subList((int) Math.min(measured.size(), before.requests()), measured.size());
                long windowNanos = s.burstWindow().toNanos();
                WindowDiagnosis.lines(measured, windowNanos,
                        Math.max(1, s.tokensPerMinute() * windowNanos / 60_000_000_000L),
                        Math.max(1, s.requestsPerMinute() * windowNanos / 60_000_000_000L)).forEach(out);
                StringBuilder tsv = new StringBuilder("epoch_us\ttokens\trefused_by\n");
                measured.forEach(c -> tsv.append(c.epochMicros()).append('\t').append(c.tokens()).append('\t')
                        .append(c.admitted() ? "" : c.refusedBy()).append('\n'));
                java.nio.file.Files.createDirectories(workDir);
                java.nio.file.Files.writeString(workDir.resolve("provider-calls.tsv"), tsv);
                out.accept(BenchReport.TABLE_HEADER);
                out.accept(report.markdownRow());
                if (s.record()) {
                    // the checkout running the benchmark, even when the worker comes from elsewhere
                    Path doc = Path.of(System.getProperty("conveyor.repo.root", "..")).resolve("docs/benchmarks.md");
                    BenchmarksDoc.addRow(doc, SECTION, BenchReport.TABLE_HEADER, report.markdownRow());
                    out.accept("recorded in " + doc.toAbsolutePath().normalize());
                }
                return report;
            } finally {
                others.forEach(ServiceProcess::close);
            }
        }
    }

    /** Sends {@code count} sentiment tasks of one run, each with its own text; returns the expected label by task id. */
    private static Map<String, String> produce(KafkaProducer<String, TaskIssued> producer, String runId, int count,
            String modelName) {
        ProcessStep process = BuiltInProcesses.shortForm(PROCESS, COLUMN);
        String workflowId = UUID.randomUUID().toString();
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String referenceId = UUID.randomUUID().toString();
            String taskId = TaskIds.taskId(runId, PROCESS, referenceId);
            String text = ReviewTexts.text(i, runId);
            TaskIssued task = TaskIssued.newBuilder()
                    .setTaskId(taskId)
                    .setRunId(runId)
                    .setWorkflowId(workflowId)
                    .setReferenceId(referenceId)
                    .setSourceConnection("bench")
                    .setProcessName(PROCESS)
                    .setStageIndex(0)
                    .setInputs(Map.of(COLUMN, text))
                    .setModel(modelName)
                    .setIssuedAt(Instant.now())
                    .setProcess(process)
                    .build();
            expected.put(taskId, SeedAnswers.answer("sentiment <row>" + text + "</row>"));
            producer.send(new ProducerRecord<>(Topics.LLM_TASKS.name(), taskId, task));
        }
        producer.flush();
        return expected;
    }

    private static KafkaProducer<String, TaskIssued> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(props, Topics.LLM_TASKS.keySerde().serializer(),
                Topics.LLM_TASKS.valueSerde().serializer());
    }

    /**
     * Polls {@code condition} every 20 ms until it holds or the timeout passes; fails at once
     * when the worker dies or the result reader breaks.
     */
    private static boolean awaitUntil(BooleanSupplier condition, Duration timeout, ResultCollector results,
            ServiceProcess worker) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            results.check();
            if (!worker.isAlive()) {
                throw new IllegalStateException(WORKER + " died:\n" + worker.tail(40));
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            observe(Duration.ofMillis(20));
        }
        return true;
    }

    /** Lets time pass while the collector keeps reading: a polling interval or an observation window. */
    private static void observe(Duration duration) {
        try {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The worker's JVM among this JVM's children, found by the port it was given. */
    private static ProcessHandle processOf(ServiceProcess worker) {
        String portArgument = "-Dquarkus.http.port=" + worker.port();
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(portArgument)).orElse(false))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("cannot find the process of " + WORKER));
    }

    /** User plus system CPU time of the whole process (all its threads), as the kernel counts it. */
    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("the OS does not report CPU time of " + process.pid()));
    }

    /** The checkout's commit, marked when the worker has uncommitted changes; the folder name outside git. */
    private static String checkoutLabel(Path root) {
        String commit = git(root, "rev-parse", "--short", "HEAD");
        if (commit.isEmpty()) {
            return root.getFileName().toString();
        }
        return git(root, "status", "--porcelain", "--", WORKER).isEmpty() ? commit : commit + "+changes";
    }

    private static String git(Path root, String... args) {
        try {
            String[] command = new String[args.length + 3];
            command[0] = "git";
            command[1] = "-C";
            command[2] = root.toString();
            System.arraycopy(args, 0, command, 3, args.length);
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return git.waitFor() == 0 ? output : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
