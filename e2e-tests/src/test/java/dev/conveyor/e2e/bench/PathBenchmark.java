package dev.conveyor.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.testing.JitThreads;
import dev.conveyor.local.Database;
import dev.conveyor.local.LocalStack;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.PathStarted;
import dev.conveyor.schemas.PathStepAppended;
import dev.conveyor.schemas.kafka.Topics;

/**
 * Research Paths (issue 6) on one review-service instance, packaged, against the embedded broker
 * and PostgreSQL: (1) appends per second with p50/p99 latency, many clients each appending to its
 * own Paths with If-Match; (2) rebuilding the view from conveyor.path-events holding
 * {@code bench.paths.rebuild} Paths of {@code bench.paths.steps} steps.
 *
 * <p>Not part of {@code ./mvnw verify}: {@code ./mvnw -B -pl e2e-tests -Pbenchmark verify
 * -Dit.test=PathBenchmark} after the services are packaged. Knobs: bench.paths.appends (20000),
 * bench.paths.clients (32), bench.paths.rebuild (10000), bench.paths.steps (50), bench.paths.warmup (appends
 * per warm-up round, 5000), bench.paths.warmup-rounds (at most, 24; it stops after 4 at the earliest, once the
 * JIT compilers are quiet: {@link WarmupRound}),
 * conveyor.local.jvm-options.review-service (default -XX:TieredStopAtLevel=4: the C2 compiler, as deployed).
 */
public class PathBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKFLOW = """
            {"name": "bench", "protocols_info": [
             {"protocol_index": 0, "protocol_id": "a", "protocol_version": "1", "airalogy_protocol_id": null,
              "protocol_data": {"markdown": "# A", "model": null, "assigner": null,
                "field_json_schema": {"type": "object", "properties": {"t": {"type": "number"}}}}},
             {"protocol_index": 1, "protocol_id": "b", "protocol_version": "1", "airalogy_protocol_id": null,
              "protocol_data": {"markdown": "# B", "model": null, "assigner": null,
                "field_json_schema": {"type": "object"}}},
             {"protocol_index": 2, "protocol_id": "c", "protocol_version": "1", "airalogy_protocol_id": null,
              "protocol_data": {"markdown": "# C", "model": null, "assigner": null,
                "field_json_schema": {"type": "object"}}}]}""";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void pathAppendsAndRebuild() throws Exception {
        int appends = Integer.getInteger("bench.paths.appends", 20_000);
        int clients = Integer.getInteger("bench.paths.clients", 32);
        int rebuildPaths = Integer.getInteger("bench.paths.rebuild", 10_000);
        int stepsPerPath = Integer.getInteger("bench.paths.steps", 50);
        // warm-up in rounds until review-service's CPU per append settles: JFR showed the C2 compiler
        // still busy after 20,000 appends on a loaded machine, and its work is not the append's
        int warmupRound = Integer.getInteger("bench.paths.warmup", 5_000);
        int warmupRounds = Integer.getInteger("bench.paths.warmup-rounds", 24);
        Path root = Path.of(System.getProperty("conveyor.repo.root", "..")).toAbsolutePath().normalize();
        // review-service as deployed (C2 compiler on), not the launcher's fast-start C1-only default
        String reviewJvm = "conveyor.local.jvm-options." + LocalStack.REVIEW;
        if (System.getProperty(reviewJvm) == null) {
            System.setProperty(reviewJvm, "-XX:TieredStopAtLevel=4");
        }
        System.out.println("PATH BENCH review-service extra JVM options: " + System.getProperty(reviewJvm));
        try (LocalStack stack = LocalStack.start(root, Optional.empty(), Database.embedded(),
                root.resolve("e2e-tests/target/path-bench"), System.out::println)) {
            String review = stack.service(LocalStack.REVIEW).url();
            String workflowId = send("POST", review + "/research-workflows", null, WORKFLOW).body().path("workflow_id")
                    .asText();

            // warm-up, then the measured run
            java.util.regex.Matcher port = java.util.regex.Pattern.compile(":(\\d+)/").matcher(
                    stack.database().jdbcUrl(""));
            int pgPort = port.find() ? Integer.parseInt(port.group(1)) : -1;
            List<WarmupRound> rounds = new ArrayList<>();
            for (int round = 1; round <= warmupRounds; round++) {
                CpuTime start = CpuTime.now(pgPort);
                AppendFigures warm = appendRun(review, workflowId, warmupRound, clients);
                CpuTime spentWarm = CpuTime.now(pgPort).minus(start);
                WarmupRound r = new WarmupRound(spentWarm.reviewMs() / warmupRound,
                        spentWarm.reviewMs() == 0 ? 0 : Math.max(0, spentWarm.compilerMs()) / spentWarm.reviewMs());
                rounds.add(r);
                System.out.printf(Locale.ROOT, "PATH WARM-UP %d (ended %s): %.0f appends/s, review-service %.3f ms "
                        + "CPU per append, %.1f %% of it the JIT compilers%n", round, Instant.now(),
                        warm.count() / warm.seconds(), r.cpuPerAppendMs(), 100 * r.compilerShare());
                if (round >= MIN_WARMUP_ROUNDS && WarmupRound.settled(rounds)) {
                    break;
                }
            }
            System.out.printf(Locale.ROOT, "PATH WARM-UP %s after %d rounds%n", WarmupRound.settled(rounds)
                    ? "settled" : "NOT settled (the figures below include compilation)", rounds.size());
            String loadBefore = loadAverage();
            System.out.println("PATH APPENDS measured run starts " + Instant.now());
            CpuTime before = CpuTime.now(pgPort);
            AppendFigures figures = appendRun(review, workflowId, appends, clients);
            CpuTime spent = CpuTime.now(pgPort).minus(before);
            System.out.println("PATH APPENDS measured run ends " + Instant.now());
            System.out.printf(Locale.ROOT, "PATH APPENDS: %d appends by %d clients in %.2f s = %.0f appends/s; "
                    + "p50 %.1f ms, p99 %.1f ms, max %.1f ms (load average before: %s, after: %s)%n", figures.count(),
                    clients, figures.seconds(), figures.count() / figures.seconds(), figures.p50(), figures.p99(),
                    figures.max(), loadBefore, loadAverage());
            System.out.printf(Locale.ROOT, "PATH APPENDS CPU per append: review-service %.3f ms, PostgreSQL %.3f ms, "
                    + "benchmark clients %.3f ms, this JVM besides the clients (embedded broker) %.3f ms; "
                    + "service + database alone would allow ~%.0f appends/s on 2 idle cores, all four ~%.0f%n",
                    spent.reviewMs() / appends, spent.postgresMs() / appends, figures.clientCpuMs() / appends,
                    (spent.benchJvmMs() - figures.clientCpuMs()) / appends,
                    2000.0 * appends / (spent.reviewMs() + spent.postgresMs()),
                    2000.0 * appends / (spent.reviewMs() + spent.postgresMs() + spent.benchJvmMs()));

            long produced = produceRebuildHistory(stack.bootstrapServers(), workflowId, rebuildPaths, stepsPerPath);
            before = CpuTime.now(pgPort);
            long started = System.nanoTime();
            JsonNode rebuilt = send("POST", review + "/admin/paths/rebuild", null, null).body();
            double seconds = (System.nanoTime() - started) / 1e9;
            spent = CpuTime.now(pgPort).minus(before);
            System.out.printf(Locale.ROOT, "PATH REBUILD CPU: review-service %.1f s, PostgreSQL %.1f s "
                    + "(%.0f events per CPU-second of the two)%n", spent.reviewMs() / 1000, spent.postgresMs() / 1000,
                    rebuilt.path("events").asLong() * 1000.0 / (spent.reviewMs() + spent.postgresMs()));
            long events = rebuilt.path("events").asLong();
            System.out.printf(Locale.ROOT, "PATH REBUILD: %d events (%d produced for %d Paths of %d steps) -> %d Paths, "
                    + "%d steps in %.2f s = %.0f events/s (server-side %d ms)%n", events, produced, rebuildPaths,
                    stepsPerPath, rebuilt.path("paths").asLong(), rebuilt.path("steps").asLong(), seconds,
                    events / seconds, rebuilt.path("millis").asLong());
            assertThat(rebuilt.path("paths").asLong()).isGreaterThanOrEqualTo(rebuildPaths);
        }
    }

    /** @param clientCpuMs CPU time the client threads themselves used */
    /** Two rounds of 5,000 looked settled while C2 was still compiling: at least 20,000 appends first. */
    private static final int MIN_WARMUP_ROUNDS = 4;

    record AppendFigures(int count, double seconds, double p50, double p99, double max, double clientCpuMs) {
    }

    /**
     * CPU time used so far by the review-service JVM and the embedded PostgreSQL's processes (both
     * started by this JVM): on a machine shared with other builds, wall-clock figures measure the
     * queue for a core, CPU time per operation measures the code.
     */
    record CpuTime(double reviewMs, double postgresMs, double benchJvmMs, double compilerMs) {

        /** {@code pgPort}: the embedded PostgreSQL's postmaster (pg_ctl detaches it from this JVM). */
        static CpuTime now(int pgPort) {
            List<ProcessHandle> reviewJvm = ProcessHandle.current().descendants()
                    .filter(p -> p.info().commandLine().orElse("").contains("review-service/target/quarkus-app"))
                    .toList();
            double review = reviewJvm.stream().mapToDouble(CpuTime::cpuMs).sum();
            double compiler = reviewJvm.stream().mapToDouble(p -> JitThreads.cpuMs(p.pid())).sum();
            double postgres = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").matches(".*postgres.* -p " + pgPort + "( .*|$)"))
                    .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                    .mapToDouble(CpuTime::cpuMs).sum();
            return new CpuTime(review, postgres, cpuMs(ProcessHandle.current()), compiler);
        }

        private static double cpuMs(ProcessHandle p) {
            return p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
        }

        CpuTime minus(CpuTime earlier) {
            return new CpuTime(reviewMs - earlier.reviewMs, postgresMs - earlier.postgresMs,
                    benchJvmMs - earlier.benchJvmMs, compilerMs - earlier.compilerMs);
        }
    }

    /**
     * Each client appends to Paths of its own over one keep-alive connection, starting a new Path
     * when one has 50 steps. Request bodies are made before the clock starts (a record_protocol's
     * record_id is filled in per request); the answer is read but only its status and ETag looked
     * at. The client threads' own CPU time is measured, so that what the client costs the shared
     * cores is known.
     */
    private AppendFigures appendRun(String review, String workflowId, int total, int clients) throws Exception {
        AtomicLong remaining = new AtomicLong(total);
        long[][] latencies = new long[clients][];
        long[] clientCpu = new long[clients];
        byte[][] plan = stepPlan(50);
        byte[] startBody = ("{\"workflow_id\": \"" + workflowId + "\"}").getBytes(StandardCharsets.UTF_8);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(pool.submit(() -> {
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                long[] mine = new long[total];
                int n = 0;
                try (LeanHttpConnection http = new LeanHttpConnection(review)) {
                    String url = null;
                    String etag = null;
                    int steps = 50;
                    while (remaining.getAndDecrement() > 0) {
                        if (steps >= 50) {
                            LeanHttpConnection.Answer started = expect(http.exchange("POST", "/paths", null,
                                    startBody), 201);
                            url = "/paths/" + JSON.readTree(started.body()).path("path_id").asText() + "/steps";
                            etag = started.etag();
                            steps = 0;
                        }
                        byte[] body = plan[steps] != null ? plan[steps] : recordStep(steps);
                        long t0 = System.nanoTime();
                        LeanHttpConnection.Answer r = expect(http.exchange("POST", url, etag, body), 201);
                        mine[n++] = System.nanoTime() - t0;
                        etag = r.etag();
                        steps++;
                    }
                }
                latencies[client] = java.util.Arrays.copyOf(mine, n);
                clientCpu[client] = THREADS.getCurrentThreadCpuTime() - cpu0;
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.MINUTES);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long[] sorted = java.util.Arrays.stream(latencies).flatMapToLong(java.util.Arrays::stream).sorted().toArray();
        double clientMs = java.util.Arrays.stream(clientCpu).sum() / 1e6;
        return new AppendFigures(sorted.length, seconds, ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 1.0),
                clientMs);
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private static LeanHttpConnection.Answer expect(LeanHttpConnection.Answer answer, int status) {
        if (answer.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + answer.status() + ": " + answer.text());
        }
        return answer;
    }

    /** The bodies of a Path's steps, made once; null where a record_protocol needs a fresh record_id. */
    private static byte[][] stepPlan(int steps) {
        byte[][] plan = new byte[steps][];
        PathCursor cursor = new PathCursor("", "");
        for (int i = 0; i < steps; i++) {
            String step = cursor.nextStep();
            plan[i] = step.contains("record_protocol") ? null : step.getBytes(StandardCharsets.UTF_8);
            cursor.steps++;
        }
        return plan;
    }

    /** A record_protocol body for the step at {@code position} of the plan, with a fresh record_id. */
    private static byte[] recordStep(int position) {
        int stage = (position - 2) / 4 + 1;
        int protocol = (stage - 1) % 3;
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        return ("{\"step\": \"record_protocol\", \"mode\": \"user\", \"data\": {\"protocol_index\": " + protocol
                + ", \"record_id\": \"" + new UUID(random.nextLong(), random.nextLong()) + "\", \"record_version\": 1, "
                + "\"airalogy_record_id\": \"airalogy.id.record.x.v.1\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Where a client is in its Path: goal, strategy, then stages of next protocol, values, record, conclusion. */
    private static final class PathCursor {
        final String url;
        String etag;
        int steps;
        int stage;

        PathCursor(String url, String etag) {
            this.url = url;
            this.etag = etag;
        }

        String nextStep() {
            if (steps == 0) {
                return "{\"step\": \"add_research_goal\", \"mode\": \"user\", \"data\": {\"goal\": \"bench\"}}";
            }
            if (steps == 1) {
                return "{\"step\": \"add_research_strategy\", \"mode\": \"user\", \"data\": {\"researchable\": true, "
                        + "\"strategy\": \"s\"}}";
            }
            int inStage = (steps - 2) % 4;
            if (inStage == 0) {
                stage++;
            }
            int protocol = (stage - 1) % 3;
            return switch (inStage) {
                case 0 -> "{\"step\": \"add_next_protocol\", \"mode\": \"user\", \"data\": {\"end_path\": false, "
                        + "\"protocol_index\": " + protocol + "}}";
                case 1 -> "{\"step\": \"add_initial_values_for_fields_in_next_protocol\", \"mode\": \"user\", "
                        + "\"data\": {\"values\": {\"t\": " + stage + "}}}";
                case 2 -> "{\"step\": \"record_protocol\", \"mode\": \"user\", \"data\": {\"protocol_index\": "
                        + protocol + ", \"record_id\": \"" + UUID.randomUUID() + "\", \"record_version\": 1, "
                        + "\"airalogy_record_id\": \"airalogy.id.record.x.v.1\"}}";
                default -> "{\"step\": \"add_phased_research_conclusion\", \"mode\": \"user\", \"data\": "
                        + "{\"conclusion\": \"stage " + stage + "\"}}";
            };
        }
    }

    /** Writes the events of Paths in the shape the service writes them (started, then appended steps). */
    private static long produceRebuildHistory(String bootstrap, String workflowId, int paths, int steps) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        long produced = 0;
        Instant at = Instant.now();
        try (KafkaProducer<String, PathEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
                Topics.PATH_EVENTS.valueSerde().serializer())) {
            for (int p = 0; p < paths; p++) {
                String id = UUID.randomUUID().toString();
                long version = 1;
                producer.send(new ProducerRecord<>(Topics.PATH_EVENTS.name(), id, event(id, version, at,
                        "waiting_for_research_goal", new PathStarted(workflowId))));
                produced++;
                PathCursor cursor = new PathCursor("", "");
                for (int s = 0; s < steps; s++) {
                    JsonNode step = read(cursor.nextStep());
                    String status = statusAfter(step);
                    int pathIndex = step.path("step").asText().startsWith("add_research") ? 0 : cursor.stage;
                    JsonNode data = step.path("data");
                    if (data.has("goal") || data.has("end_path") || data.has("values") || data.has("researchable")) {
                        ((com.fasterxml.jackson.databind.node.ObjectNode) data).putNull("thought");
                    }
                    producer.send(new ProducerRecord<>(Topics.PATH_EVENTS.name(), id, event(id, ++version, at, status,
                            new PathStepAppended(s, step.path("step").asText(), pathIndex, "user", data.toString(),
                                    null))));
                    cursor.steps++;
                    produced++;
                }
            }
            producer.flush();
        }
        return produced;
    }

    private static String statusAfter(JsonNode step) {
        return switch (step.path("step").asText()) {
            case "add_research_goal" -> "waiting_for_research_strategy";
            case "add_research_strategy", "add_phased_research_conclusion" -> "waiting_for_next_protocol";
            case "add_next_protocol" -> "waiting_for_initial_values_for_fields_in_next_protocol";
            case "add_initial_values_for_fields_in_next_protocol" -> "waiting_for_record";
            case "record_protocol" -> "waiting_for_phased_research_conclusion";
            default -> throw new IllegalArgumentException(step.toString());
        };
    }

    private static PathEvent event(String id, long version, Instant at, String status, Object change) {
        return PathEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setAggregateId(id).setVersion(version)
                .setOccurredAt(at).setStatusAfter(status).setChange(change).build();
    }

    private static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static double ms(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(rank, sortedNanos.length - 1))] / 1e6;
    }

    private record Reply(JsonNode body, String etag) {
    }

    private Reply send(String method, String url, String ifMatch, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return new Reply(response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body()),
                response.headers().firstValue("ETag").orElse(null));
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
