package dev.conveyor.ingest.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.local.ServiceProcess;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;

/**
 * A real kill between the database commit and the relay: the packaged ingest-service runs as its
 * own JVM with its relay off, commits rows (a JSON batch and an NDJSON upload; an upload with a bad
 * line is refused), is killed with SIGKILL, and is started again with the relay on under the same
 * instance id. Every accepted row must then be on {@code conveyor.source-rows} exactly once, and
 * nothing else of that source.
 */
class OutboxKillIT {

    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<ServiceProcess> started = new ArrayList<>();

    @AfterEach
    void stopIngest() {
        started.forEach(ServiceProcess::close);
    }

    @Test
    void shouldPublishEveryCommittedRowExactlyOnceAfterIngestIsKilledBeforeItsRelayRan() throws Exception {
        Map<String, String> database = new PostgresTestResource().start();
        String instance = "kill-" + UUID.randomUUID();
        String source = "killed-" + UUID.randomUUID();

        ServiceProcess first = launch(database, instance, false);
        List<String> accepted = new ArrayList<>();
        post(first, source, "application/json", "[{\"text\": \"one\"}, {\"text\": \"two\"}, {\"text\": \"three\"}]", 201)
                .path("reference_ids").forEach(id -> accepted.add(id.asText()));
        String ndjson = IntStream.range(0, 500).mapToObj(i -> "{\"text\": \"line " + i + "\"}")
                .collect(Collectors.joining("\n"));
        assertThat(post(first, source, "application/x-ndjson", ndjson, 201).path("accepted").asLong()).isEqualTo(500);
        // Refused whole (reject=file): none of its good lines may ever be published.
        post(first, source, "application/x-ndjson", "{\"text\": \"refused\"}\nnot json", 400);

        // Rows committed, relay not run: every accepted row waits in the outbox, none is on the topic.
        long stored = count(database, "select count(*) from source_data where source_connection = '" + source + "'");
        assertThat(stored).isEqualTo(3 + 500);
        assertThat(count(database, "select coalesce(sum(row_count), 0) from row_outbox_chunk")).isEqualTo(stored);
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        Set<String> storedIds = ids(database, source);

        first.kill(); // SIGKILL (destroyForcibly): no shutdown hook, no relay round, nothing flushed
        assertThat(first.isAlive()).isFalse();
        assertThat(ofSource(KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before), source)).isEmpty();

        ServiceProcess second = launch(database, instance, true);
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250))
                .until(() -> count(database, "select count(*) from row_outbox_chunk") == 0);
        assertThat(second.isAlive()).isTrue();

        List<ConsumerRecord<String, RowIngested>> published = ofSource(
                KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before), source);
        List<String> keys = published.stream().map(ConsumerRecord::key).toList();
        assertThat(keys).as("each row once").doesNotHaveDuplicates();
        assertThat(new HashSet<>(keys)).as("exactly the stored rows").isEqualTo(storedIds);
        assertThat(keys).containsAll(accepted);
        assertThat(published).extracting(r -> r.value().getColumns().get("text"))
                .doesNotContain("refused")
                .contains("one", "two", "three", "line 0", "line 499");
    }

    private ServiceProcess launch(Map<String, String> database, String instance, boolean relay) {
        String group = instance + (relay ? "-after" : "-before");
        ServiceProcess ingest = ServiceProcess.launch(Path.of("").toAbsolutePath().getParent(), "ingest-service",
                Map.of("kafka.bootstrap.servers", KafkaTestResource.bootstrapServers(),
                        "quarkus.datasource.jdbc.url", database.get("quarkus.datasource.jdbc.url"),
                        "quarkus.datasource.username", database.get("quarkus.datasource.username"),
                        "conveyor.ingest.instance-id", instance,
                        "conveyor.ingest.relay-enabled", Boolean.toString(relay),
                        // Own groups: other test classes' ingest must not share these consumers.
                        "conveyor.ingest.consumer-group", group,
                        "conveyor.ingest.intake-consumer-group", group + "-intake"),
                Map.of("QUARKUS_DATASOURCE_PASSWORD", database.get("quarkus.datasource.password")),
                Path.of("target", "outbox-kill-it", instance + (relay ? "-2" : "-1")));
        started.add(ingest);
        return ingest.awaitReady(DEADLINE);
    }

    private static JsonNode post(ServiceProcess ingest, String source, String contentType, String body, int status)
            throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ingest.url() + "/sources/" + source
                        + "/rows")).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static List<ConsumerRecord<String, RowIngested>> ofSource(List<ConsumerRecord<String, RowIngested>> records,
            String source) {
        return records.stream().filter(r -> r.value().getSourceConnection().equals(source)).toList();
    }

    private static Set<String> ids(Map<String, String> database, String source) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = connect(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select reference_id from source_data where source_connection = '"
                        + source + "'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static long count(Map<String, String> database, String sql) throws Exception {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect(Map<String, String> database) throws Exception {
        return DriverManager.getConnection(database.get("quarkus.datasource.jdbc.url"),
                database.get("quarkus.datasource.username"), database.get("quarkus.datasource.password"));
    }
}
