package dev.conveyor.ingest.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.KafkaProbe;
import dev.conveyor.ingest.ZombieTransactionResource;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

/**
 * Ingest never tells a client something untrue: the database failing at commit, Kafka failing at
 * commit, a process killed between the database and Kafka, a predecessor killed mid-transaction,
 * and a retried request.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(value = ZombieTransactionResource.class, restrictToAnnotatedClass = true)
class AtomicIngestIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String PROBLEM_JSON = "application/problem+json";

    @Inject
    DataSource dataSource;

    @Test
    void shouldFenceThePredecessorsOpenTransactionSoConsumersAreNotStuckBehindIt() throws Exception {
        // Before the fencing, read_committed consumers could read nothing past the zombie's records.
        String source = "after-zombie-" + UUID.randomUUID();
        List<String> ids = SourceIngestIT.post(source, List.of(Map.of("a", "1")));

        List<ConsumerRecord<String, RowIngested>> visible = await().atMost(DEADLINE).until(
                () -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, Map.of()),
                records -> records.stream().anyMatch(r -> ids.contains(r.key())));
        assertThat(visible).noneMatch(r -> r.value().getSourceConnection().equals(ZombieTransactionResource.ZOMBIE_SOURCE));
    }

    @Test
    void shouldAnswer503AndStoreAndPublishNothingWhenTheDatabaseFailsAtCommit() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // Checked only at commit: the insert itself succeeds, the COMMIT fails.
            s.execute("""
                    create or replace function refuse_at_commit() returns trigger language plpgsql as $$
                    begin
                        if new.columns ? 'refuse_at_commit' then
                            raise exception 'commit refused (test trigger)';
                        end if;
                        return null;
                    end $$""");
            s.execute("drop trigger if exists refuse_at_commit on source_data");
            s.execute("""
                    create constraint trigger refuse_at_commit after insert on source_data
                    deferrable initially deferred for each row execute function refuse_at_commit()""");
        }
        String failing = "db-commit-fails-" + UUID.randomUUID();
        long outboxBefore = count("select count(*) from row_outbox_chunk");

        given().contentType(ContentType.JSON)
                .body(List.of(Map.of("a", "fine"), Map.of("refuse_at_commit", "yes")))
                .when().post("/sources/" + failing + "/rows")
                .then().statusCode(503).contentType(PROBLEM_JSON)
                .body("detail", containsString("nothing was stored"));

        given().when().get("/sources/" + failing).then().statusCode(404);
        assertThat(count("select count(*) from source_data where source_connection = '" + failing + "'")).isZero();
        assertThat(count("select count(*) from row_outbox_chunk")).isLessThanOrEqualTo(outboxBefore);
        // The relay publishes in order: once a later batch is on the topic, the failed one would be too.
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        List<String> later = SourceIngestIT.post("db-commit-later-" + UUID.randomUUID(), List.of(Map.of("a", "2")));
        List<ConsumerRecord<String, RowIngested>> published = await().atMost(DEADLINE).until(
                () -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before),
                records -> records.stream().anyMatch(r -> later.contains(r.key())));
        assertThat(published).noneMatch(r -> r.value().getSourceConnection().equals(failing));
    }

    @Test
    void shouldKeepRowsInTheOutboxWhenKafkaFailsAtCommitAndPublishTheOthersOnce() throws Exception {
        // Rows as a committed ingest leaves them; one is larger than the broker takes (message.max.bytes,
        // 1 MiB): the relay's transaction fails at commit, is aborted, and the rows are relayed singly.
        String source = "kafka-commit-fails-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        UUID small1 = UUID.randomUUID();
        UUID huge = UUID.randomUUID();
        UUID small2 = UUID.randomUUID();
        insertCommittedRows(source, List.of(small1, huge, small2),
                List.of("{\"a\": \"1\"}", "{\"a\": \"" + incompressible(1_500_000) + "\"}", "{\"a\": \"2\"}"));

        await().atMost(DEADLINE).until(() -> pendingChunksOf(small1, huge, small2) == 0);
        assertThat(count("select count(*) from row_parked where reference_id = '" + huge
                + "' and reason ilike '%RecordTooLarge%'")).as("the refused row is parked with the reason").isOne();
        assertThat(count("select count(*) from row_parked where reference_id in ('" + small1 + "', '" + small2 + "')"))
                .isZero();
        List<ConsumerRecord<String, RowIngested>> published = KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before)
                .stream().filter(r -> r.value().getSourceConnection().equals(source)).toList();
        assertThat(published).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder(small1.toString(), small2.toString());
    }

    @Test
    void shouldPublishRowsAProcessKilledAfterTheDatabaseCommitLeftInTheOutbox() throws Exception {
        String source = "killed-before-kafka-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        insertCommittedRows(source, List.of(a, b), List.of("{\"a\": \"1\"}", "{\"a\": \"2\"}"));

        List<ConsumerRecord<String, RowIngested>> published = await().atMost(DEADLINE).until(
                () -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before).stream()
                        .filter(r -> r.value().getSourceConnection().equals(source)).toList(),
                found -> found.size() >= 2);
        assertThat(published).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(a.toString(), b.toString());
        await().atMost(DEADLINE).until(() -> pendingChunksOf(a, b) == 0);
    }

    @Test
    void shouldRepublishUnderTheSameReferenceIdWhenKilledAfterKafkaCommittedAndStoreItOnce() throws Exception {
        // Kafka committed the row, the database did not get to delete its outbox entry: it goes out
        // again, as the same row (same key and content), and is still one row.
        String source = "killed-after-kafka-" + UUID.randomUUID();
        Map<TopicPartition, Long> before = KafkaProbe.committedEndOffsets(Topics.SOURCE_ROWS);
        UUID id = UUID.randomUUID();
        Instant createdAt = Instant.parse("2026-01-02T03:04:05.678Z");
        RowIngested event = RowIngested.newBuilder().setReferenceId(id.toString()).setSourceConnection(source)
                .setColumns(Map.of("a", "1")).setIngestedAt(createdAt).build();
        // The database committed first (as ingest always does), then the copy Kafka committed
        // before the kill; its outbox entry is still there. Inserted the other way round, ingest's
        // consumer of the topic could store the row first, without an outbox entry.
        insertCommittedRows(source, List.of(id), List.of("{\"a\": \"1\"}"), createdAt);
        KafkaProbe.produceRaw(List.of(new ProducerRecord<>(Topics.SOURCE_ROWS.name(),
                id.toString().getBytes(), Topics.SOURCE_ROWS.valueSerde().serializer().serialize("t", event))));

        List<ConsumerRecord<String, RowIngested>> copies = await().atMost(DEADLINE).until(
                () -> KafkaProbe.readCommitted(Topics.SOURCE_ROWS, before).stream()
                        .filter(r -> r.key().equals(id.toString())).toList(),
                found -> found.size() >= 2);
        assertThat(copies).extracting(ConsumerRecord::value).containsOnly(event);
        assertThat(count("select count(*) from source_data where reference_id = '" + id + "'")).isOne();
    }

    @Test
    void shouldGiveARetriedRequestTheFirstAnswerAndStoreItsRowsOnce() throws Exception {
        String source = "retried-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        List<Map<String, String>> rows = List.of(Map.of("a", "1"), Map.of("a", "2"));

        ExtractableResponse<Response> first = postWithKey(source, key, rows);
        ExtractableResponse<Response> retry = postWithKey(source, key, rows);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.body().asString()).isEqualTo(first.body().asString());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        given().when().get("/sources/" + source).then().body("row_count", is(2));

        // The same key for another request is refused, naming the header.
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(rows)
                .when().post("/sources/other-" + source + "/rows")
                .then().statusCode(422).contentType(PROBLEM_JSON)
                .body("errors.field", equalTo(List.of("Idempotency-Key")));
    }

    @Test
    void shouldStoreConcurrentRetriesOnce() throws Exception {
        String source = "concurrent-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        List<Map<String, String>> rows = List.of(Map.of("a", "1"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ExtractableResponse<Response>>> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit((Callable<ExtractableResponse<Response>>) () -> postWithKey(source, key, rows)));
            }
            List<String> bodies = new ArrayList<>();
            for (Future<ExtractableResponse<Response>> answer : answers) {
                ExtractableResponse<Response> response = answer.get();
                assertThat(response.statusCode()).isEqualTo(201);
                bodies.add(response.body().asString());
            }
            assertThat(bodies).containsOnly(bodies.get(0));
        } finally {
            pool.shutdownNow();
        }
        given().when().get("/sources/" + source).then().body("row_count", is(1));
    }

    private static ExtractableResponse<Response> postWithKey(String source, String key, List<Map<String, String>> rows) {
        return given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(rows)
                .when().post("/sources/" + source + "/rows").then().extract();
    }

    private void insertCommittedRows(String source, List<UUID> ids, List<String> columns) throws Exception {
        insertCommittedRows(source, ids, columns, Instant.now());
    }

    /** What a committed ingest transaction leaves: the rows and the outbox entry of their chunk. */
    private void insertCommittedRows(String source, List<UUID> ids, List<String> columns, Instant createdAt)
            throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long chunk;
            try (PreparedStatement outbox = c.prepareStatement(
                    "insert into row_outbox_chunk (row_count) values (?) returning chunk_id")) {
                outbox.setInt(1, ids.size());
                try (ResultSet rs = outbox.executeQuery()) {
                    rs.next();
                    chunk = rs.getLong(1);
                }
            }
            try (PreparedStatement row = c.prepareStatement("insert into source_data "
                    + "(reference_id, source_connection, columns, created_at, origin, outbox_chunk) "
                    + "values (?, ?, cast(? as jsonb), ?, 'rest', ?) on conflict (reference_id) do nothing")) {
                for (int i = 0; i < ids.size(); i++) {
                    row.setObject(1, ids.get(i));
                    row.setString(2, source);
                    row.setString(3, columns.get(i));
                    row.setTimestamp(4, Timestamp.from(createdAt));
                    row.setLong(5, chunk);
                    row.executeUpdate();
                }
            }
            c.commit();
        }
    }

    /** Outbox chunks still pending that hold any of these rows. */
    private long pendingChunksOf(UUID... ids) throws Exception {
        return count("select count(*) from source_data d join row_outbox_chunk o on o.chunk_id = d.outbox_chunk "
                + "where d.reference_id in (" + java.util.Arrays.stream(ids).map(id -> "'" + id + "'")
                        .collect(java.util.stream.Collectors.joining(", ")) + ")");
    }

    /** Random letters: the relay compresses with lz4, so a repeated character would fit the broker's limit. */
    private static String incompressible(int length) {
        java.util.Random random = new java.util.Random(42);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
