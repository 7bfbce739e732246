package dev.conveyor.ingest.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.messaging.UploadPublisher;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Uploads published while they stream in, against the real broker and PostgreSQL: the upload's
 * own Kafka transaction commits after the database; a rejected upload's transaction is aborted; an
 * upload whose Kafka transaction cannot commit (its producer fenced) is published by the relay,
 * every row once.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class UploadPublicationIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL base;

    @Inject
    DataSource dataSource;

    @Inject
    IngestConfig config;

    @Test
    void shouldPublishAnUploadInItsOwnTransactionCommittedAfterTheDatabase() throws Exception {
        String source = "streamed-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);

        JsonNode receipt = upload(source, "line", lines(0, 12_000), 201);

        assertThat(receipt.path("accepted").asLong()).isEqualTo(12_000);
        List<String> keys = await().atMost(DEADLINE).until(() -> keysOf(source, before), found -> found.size() >= 12_000);
        assertThat(keys).doesNotHaveDuplicates().hasSize(12_000);
        assertThat(new HashSet<>(keys)).isEqualTo(new HashSet<>(storedIds(source)));
        await().atMost(DEADLINE).until(() -> pendingChunksOf(source) == 0);
        // Published by an upload publisher's transaction, not by the relay's.
        assertThat(publisherStates()).containsValue(TransactionState.COMPLETE_COMMIT);
    }

    @Test
    void shouldAbortTheKafkaTransactionOfAnUploadTheDatabaseRolledBack() throws Exception {
        String refused = "streamed-refused-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);

        // 7,000 good lines (a chunk sent to Kafka already), then a bad one: reject=file stores nothing.
        upload(refused, "file", lines(0, 7_000) + "not json\n", 400);
        String later = "streamed-later-" + UUID.randomUUID();
        upload(later, "line", lines(0, 10), 201);

        await().atMost(DEADLINE).until(() -> keysOf(later, before).size() >= 10);
        assertThat(keysOf(refused, before)).isEmpty();
        assertThat(count("select count(*) from source_data where source_connection = '" + refused + "'")).isZero();
    }

    @Test
    void shouldLetTheRelayPublishAnUploadWhoseKafkaTransactionCouldNotCommit() throws Exception {
        String source = "streamed-fenced-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        // Another producer takes the publishers' transactional ids (as a restarted instance would):
        // the upload's sends and commit are refused, so Kafka does not commit what the database did.
        fence(UploadPublisher.transactionalId(config.instanceId(), 0));
        fence(UploadPublisher.transactionalId(config.instanceId(), 1));

        JsonNode receipt = upload(source, "line", lines(0, 9_000), 201);

        assertThat(receipt.path("accepted").asLong()).isEqualTo(9_000);
        await().atMost(DEADLINE).until(() -> keysOf(source, before).size() >= 9_000);
        await().atMost(DEADLINE).until(() -> pendingChunksOf(source) == 0);
        List<String> keys = keysOf(source, before);
        assertThat(keys).as("every row once").doesNotHaveDuplicates().hasSize(9_000);
        assertThat(new HashSet<>(keys)).isEqualTo(new HashSet<>(storedIds(source)));
    }

    private JsonNode upload(String source, String reject, String body, int status) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "sources/" + source + "/rows?reject=" + reject))
                        .timeout(DEADLINE).header("Content-Type", "application/x-ndjson; charset=utf-8")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static String lines(int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++) {
            out.append("{\"n\": \"").append(i).append("\"}\n");
        }
        return out.toString();
    }

    private static List<String> keysOf(String source, Map<TopicPartition, Long> before) {
        return KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before).stream()
                .filter(r -> r.value().getSourceConnection().equals(source)).map(ConsumerRecord::key).toList();
    }

    private Map<String, TransactionState> publisherStates() throws Exception {
        List<String> ids = List.of(UploadPublisher.transactionalId(config.instanceId(), 0),
                UploadPublisher.transactionalId(config.instanceId(), 1));
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Map<String, TransactionDescription> described = admin.describeTransactions(ids).all().get();
            Map<String, TransactionState> states = new java.util.HashMap<>();
            described.forEach((id, description) -> states.put(id, description.state()));
            return states;
        }
    }

    private static void fence(String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        try (KafkaProducer<byte[], byte[]> fencer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            fencer.initTransactions();
        }
    }

    private List<String> storedIds(String source) throws Exception {
        List<String> ids = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select reference_id from source_data where source_connection = '" + source + "'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private long pendingChunksOf(String source) throws Exception {
        return count("select count(*) from row_outbox_chunk o where exists (select 1 from source_data d "
                + "where d.outbox_chunk = o.chunk_id and d.source_connection = '" + source + "')");
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
