package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Issue 7's targets, measured (never asserted): intake of a 500-column dataset from the fake
 * Superset, and field edits on a session with 500 fields and 200 open findings, over HTTP with the
 * readiness recomputation, the view and log writes and the event publication included.
 * Run: {@code ./mvnw -B -pl review-service -am -Pbenchmark verify -Dtest=NoSuch -Dsurefire.failIfNoSpecifiedTests=false}
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionBenchmark {

    static final int DATASET = 4901;
    static final int COLUMNS = 500;
    static final int UNDOCUMENTED = 200;
    static final int INTAKES = Integer.getInteger("bench.intakes", 10);
    static final int EDITS = Integer.getInteger("bench.edits", 1000);
    static final int WARMUP = 100;

    @TestHTTPResource("/review-sessions")
    URI sessions;

    /** HTTP/1.1, as the REST clients of the other benchmarks and most API callers use. */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void intakeAndFieldEdits() {
        ObjectNode d = FakeSupersetServer.table(DATASET, "wide_table", "bench", "warehouse", "A wide table");
        for (int i = 0; i < COLUMNS; i++) {
            boolean documented = i >= UNDOCUMENTED;
            FakeSupersetServer.column(d, "column_" + i, "VARCHAR", documented ? "Column " + i : null,
                    documented ? "What column " + i + " holds" : null);
        }
        SessionTestEnvironment.superset().dataset(d);
        SessionApi api = new SessionApi("bench");
        String token = SessionTestEnvironment.token(api.user()); // signed once, not inside the timed calls

        List<Long> intakes = new ArrayList<>();
        String id = null;
        String create = SessionJson.write(Map.of("environment_id", SessionTestEnvironment.ENVIRONMENT,
                "source_kind", "dataset_selection", "source_input", String.valueOf(DATASET)));
        for (int i = 0; i < INTAKES + 2; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = send(token, HttpRequest.newBuilder(sessions).POST(BodyPublishers.ofString(create)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(201);
            if (i >= 2) {
                intakes.add(ms);
            }
            JsonNode s = SessionJson.parse(r.body(), JsonNode.class);
            id = s.get("session_id").asText();
            assertThat(s.get("fields")).hasSize(COLUMNS);
            assertThat(s.get("findings")).hasSize(UNDOCUMENTED);
        }
        List<String> fields = api.get(id).getList("fields.field_id");

        List<Long> edits = new ArrayList<>();
        double[] cpuBefore = null;
        for (int i = 0; i < WARMUP + EDITS; i++) {
            if (i == WARMUP) {
                cpuBefore = cpuMillis();
            }
            // documented fields only: the 200 findings stay open, the session stays 500 + 200
            String field = fields.get(UNDOCUMENTED + i % (COLUMNS - UNDOCUMENTED));
            HttpRequest.Builder edit = HttpRequest.newBuilder(sessions.resolve("review-sessions/" + id + "/fields/" + field))
                    .method("PATCH", BodyPublishers.ofString("{\"verbose_name\":\"Label " + i + "\"}"));
            long t0 = System.nanoTime();
            HttpResponse<String> r = send(token, edit);
            long us = (System.nanoTime() - t0) / 1_000;
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"Label " + i + "\"");
            if (i >= WARMUP) {
                edits.add(us);
            }
        }
        double[] cpuAfter = cpuMillis();
        int documentChars = api.request().get("/review-sessions/{id}", id).asString().length();
        JsonPath s = api.get(id);
        assertThat(s.getList("fields")).hasSize(COLUMNS);
        assertThat(s.getList("findings.findAll { it.resolution_state == 'open' }")).hasSize(UNDOCUMENTED);

        Collections.sort(intakes);
        Collections.sort(edits);
        System.out.printf("BENCH intake of %d columns: n=%d p50=%d ms max=%d ms%n", COLUMNS, intakes.size(),
                intakes.get(intakes.size() / 2), intakes.get(intakes.size() - 1));
        System.out.printf("BENCH field edit (%d fields, %d open findings): n=%d p50=%.1f ms p95=%.1f ms p99=%.1f ms "
                + "max=%.1f ms%n", COLUMNS, UNDOCUMENTED, edits.size(), pct(edits, 0.50), pct(edits, 0.95),
                pct(edits, 0.99), edits.get(edits.size() - 1) / 1000.0);
        System.out.printf("BENCH field edit CPU: this JVM (HTTP client + review-service + broker + relay) %.2f ms, "
                + "PostgreSQL %.2f ms per edit; the session's JSON is %d characters%n",
                (cpuAfter[0] - cpuBefore[0]) / EDITS, (cpuAfter[1] - cpuBefore[1]) / EDITS, documentChars);
    }

    /**
     * A plain JDK client, not RestAssured: RestAssured's log-if-validation-fails buffer pretty-prints
     * every answer, which for a 356 KB session cost 60 % of this JVM's CPU in the profile
     * (docs/decisions/07-session-storage-by-entry.md), i.e. it measured the test's client.
     */
    private HttpResponse<String> send(String token, HttpRequest.Builder request) {
        try {
            return client.send(request.header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json").build(), BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * CPU time so far of this JVM and of the embedded PostgreSQL (postmaster and backends): on a
     * machine shared with other builds, latency measures the queue for a core, CPU time the code.
     */
    static double[] cpuMillis() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e6;
        String url = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.datasource.jdbc.url", String.class);
        java.util.regex.Matcher port = java.util.regex.Pattern.compile(":(\\d+)/").matcher(url);
        String pgPort = port.find() ? port.group(1) : "none";
        double postgres = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").matches(".*postgres.* -p " + pgPort + "( .*|$)"))
                .flatMap(p -> java.util.stream.Stream.concat(java.util.stream.Stream.of(p), p.descendants()))
                .mapToDouble(p -> p.info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(0L)).sum();
        return new double[] {jvm, postgres};
    }

    static double pct(List<Long> sortedMicros, double p) {
        int i = (int) Math.ceil(p * sortedMicros.size()) - 1;
        return sortedMicros.get(Math.max(0, i)) / 1000.0;
    }
}
