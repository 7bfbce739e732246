package dev.conveyor.ingest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.JitThreads;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Rows per second through the JSON intake topic, an NDJSON upload and a CSV upload, each of
 * {@code bench.rows} (default 1,000,000) rows, with the heap (used, after a full GC) before and
 * after and its peak while running, and the CPU time the JVM and PostgreSQL spent. "Stored" is when every row is
 * in PostgreSQL (for an upload: the 201); "published" when the outbox relay has put every row on conveyor.source-rows.
 * Not part of verify: {@code ./mvnw -B -pl ingest-service -Pbenchmark verify [-Dbench.rows=...]}.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class IngestBenchmark {

    private static final int ROWS = Integer.getInteger("bench.rows", 1_000_000);
    /**
     * Rows sent down each path, unmeasured, before its measured run (0: none, the first million
     * after the JVM starts, compiler work included). The JIT column shows what is left of it.
     */
    private static final int WARMUP_ROWS = Integer.getInteger("bench.warmup", 1_000_000);
    /** Which paths to measure: any of topic, ndjson, csv (comma-separated); all by default. */
    private static final String PATHS = System.getProperty("bench.paths", "topic,ndjson,csv");
    private static final Duration DEADLINE = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DataSource dataSource;

    @TestHTTPResource("/")
    java.net.URL base;

    private final List<String> report = new ArrayList<>();

    @Test
    void measureTheThreeWaysIn() throws Exception {
        report.add("| path | rows | stored in | rows/s stored | published in | rows/s published | relay alone (rows/s) | heap before → after (MB, after GC) | heap peak (MB) | JVM CPU (s) | of which JIT compilers (s) | PostgreSQL CPU (s) | rows per CPU-second (JVM + PostgreSQL) |");
        report.add("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        if (PATHS.contains("topic")) {
            measure("JSON intake topic", "bench-topic", this::produceToTopic);
        }
        if (PATHS.contains("ndjson")) {
            measure("NDJSON upload", "bench-ndjson", (source, rows) -> upload(source, rows, "application/x-ndjson",
                    lines(rows, i -> "{\"data_column_1\": \"Review " + i + ": I love this movie.\", \"data_column_2\": \"The plot was great.\"}\n", null)));
        }
        if (PATHS.contains("csv")) {
            measure("CSV upload", "bench-csv", (source, rows) -> upload(source, rows, "text/csv",
                    lines(rows, i -> "Review " + i + ": I love this movie.,The plot was great.\n", "data_column_1,data_column_2\n")));
        }
        String table = String.join("\n", report);
        System.out.println("\n" + table + "\n");
        Files.writeString(Path.of("target", "ingest-benchmark.md"), table + "\n");
    }

    interface Load {
        void run(String source, int rows) throws Exception;
    }

    private void measure(String name, String source, Load load) throws Exception {
        if (WARMUP_ROWS > 0) {
            load.run(source + "-warmup", WARMUP_ROWS);
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                    .until(() -> storedRows(source + "-warmup") >= WARMUP_ROWS && pendingOutbox() == 0);
            name = name + ", after " + String.format("%,d", WARMUP_ROWS) + " rows' warm-up";
        }
        long heapBefore = heapAfterGc();
        HeapPeak peak = new HeapPeak();
        peak.start();
        long cpuBefore = processCpuNanos();
        double jitBefore = jitCpuSeconds();
        double pgBefore = postgresCpuSeconds();
        long start = System.nanoTime();
        load.run(source, ROWS);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> storedRows(source) >= ROWS);
        double stored = seconds(start);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).until(() -> pendingOutbox() == 0);
        double published = seconds(start);
        double cpu = (processCpuNanos() - cpuBefore) / 1e9;
        double jit = jitCpuSeconds() - jitBefore;
        double pg = postgresCpuSeconds() - pgBefore;
        peak.stop();
        long heapAfter = heapAfterGc();
        assertThat(storedRows(source)).isEqualTo(ROWS);
        // For an upload the relay starts at the commit: what it does alone is rows / (published - stored).
        String relayAlone = published - stored < 0.5 ? "(overlaps storing)" : String.format("%,.0f", ROWS / (published - stored));
        String line = String.format("| %s | %,d | %.1f s | %,.0f | %.1f s | %,.0f | %s | %d → %d | %d | %.1f | %.1f | %.1f | %,.0f |",
                name, ROWS, stored, ROWS / stored, published, ROWS / published, relayAlone, heapBefore >> 20,
                heapAfter >> 20, peak.max() >> 20, cpu, jit, pg, ROWS / (cpu + pg));
        report.add(line);
        System.out.println("BENCH " + line);
    }

    private void produceToTopic(String source, int rows) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < rows; i++) {
                producer.send(new ProducerRecord<>(Topics.SOURCE_ROWS_JSON.name(), source,
                        "{\"data_column_1\": \"Review " + i + ": I love this movie.\", \"data_column_2\": \"The plot was great.\"}"));
            }
            producer.flush();
        }
    }

    private void upload(String source, int rows, String contentType, InputStream body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "sources/" + source
                        + "/rows?reject=line"))
                .timeout(DEADLINE)
                .header("Content-Type", contentType + "; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode receipt = JSON.readTree(response.body());
        assertThat(receipt.path("accepted").asLong()).isEqualTo(rows);
    }

    /** {@code rows} lines made up as they are read, so the test holds none of them. */
    private static InputStream lines(int rows, IntFunction<String> line, String header) {
        return new InputStream() {
            private byte[] current = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
            private int position;
            private int next;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) == -1 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int written = 0;
                while (written < len) {
                    if (position == current.length) {
                        if (next == rows) {
                            break;
                        }
                        current = line.apply(next++).getBytes(StandardCharsets.UTF_8);
                        position = 0;
                    }
                    int n = Math.min(len - written, current.length - position);
                    System.arraycopy(current, position, b, off + written, n);
                    position += n;
                    written += n;
                }
                return written == 0 ? -1 : written;
            }
        };
    }

    private long storedRows(String source) throws Exception {
        return query("select coalesce((select row_count from source_catalogue where source_connection = '" + source
                + "'), 0)");
    }

    private long pendingOutbox() throws Exception {
        return query("select count(*) from row_outbox_chunk");
    }

    private long query(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * CPU time of this JVM (service, embedded broker and the benchmark's producer or HTTP client; not
     * PostgreSQL): unlike wall-clock rates it does not shrink when other builds take the cores.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU time of the PostgreSQL server the service writes to: its postmaster (with the exited
     * backends it reaped) and every live backend, read from /proc (Linux; clock ticks of 1/100 s).
     */
    private double postgresCpuSeconds() throws Exception {
        long backend = query("select pg_backend_pid()");
        ProcessHandle postmaster = ProcessHandle.of(backend).flatMap(ProcessHandle::parent).orElseThrow();
        long ticks = cpuTicks(postmaster.pid(), true);
        for (ProcessHandle child : postmaster.children().toList()) {
            ticks += cpuTicks(child.pid(), false);
        }
        return ticks / 100.0;
    }

    private static long cpuTicks(long pid, boolean withReapedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // After the command in parentheses: state, ppid, ... utime (14th field), stime, cutime, cstime.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return withReapedChildren ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
        } catch (java.io.IOException | RuntimeException e) {
            return 0; // a backend that just exited
        }
    }

    /** CPU time of this JVM's JIT compiler threads (Linux; can come out low, see {@link JitThreads}). */
    private static double jitCpuSeconds() {
        return JitThreads.cpuMs(ProcessHandle.current().pid()) / 1000.0;
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Samples the used heap while a load runs. */
    private static final class HeapPeak {
        private final AtomicLong max = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread = new Thread(() -> {
            while (running) {
                max.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(100); // a sampling period, not a synchronization
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-peak");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        long max() {
            return max.get();
        }
    }
}
