package dev.conveyor.ingest.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.repository.RowOutboxRepository.Chunk;
import dev.conveyor.ingest.repository.RowOutboxRepository.Entry;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The outbox by chunk on a real PostgreSQL, with the relay off so that nothing else takes the
 * chunks: a round takes the oldest chunks up to its row count, two rounds side by side take
 * different chunks, and a round reads the rows of its chunks with their trace context.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(RowOutboxRepositoryIT.RelayOff.class)
class RowOutboxRepositoryIT {

    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    public static class RelayOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String group = "outbox-it-" + UUID.randomUUID();
            // No relay, and intake consumers that start at the end: no chunk is made or taken but the test's.
            return Map.of("conveyor.ingest.relay-enabled", "false",
                    "conveyor.ingest.intake-consumer-group", group + "-intake",
                    "conveyor.ingest.consumer-group", group,
                    "conveyor.ingest.consumer-offset-reset", "latest");
        }
    }

    @Inject
    RowOutboxRepository outbox;

    @Inject
    DataSource dataSource;

    @BeforeEach
    void emptyTheOutbox() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("delete from row_outbox_chunk");
        }
    }

    @Test
    void shouldTakeTheOldestChunksUpToTheRoundsRowsAndAtLeastOne() throws Exception {
        long a = chunk(3000);
        long b = chunk(4000);
        chunk(5000);

        List<Chunk> round = lockNext(8000);
        List<Chunk> tooSmall = lockNext(10);

        assertThat(round).extracting(Chunk::id).containsExactly(a, b);
        assertThat(tooSmall).extracting(Chunk::id).containsExactly(a);
    }

    @Test
    void shouldGiveTwoRoundsSideBySideDifferentChunks() throws Exception {
        long a = chunk(3000);
        long b = chunk(4000);
        long c = chunk(5000);
        long d = chunk(1);
        long e = chunk(1);
        CountDownLatch firstLocked = new CountDownLatch(1);
        CountDownLatch secondDone = new CountDownLatch(1);

        CompletableFuture<List<Chunk>> first = CompletableFuture.supplyAsync(
                () -> QuarkusTransaction.requiringNew().call(() -> {
                    List<Chunk> locked = outbox.lockNext(8000);
                    firstLocked.countDown();
                    // Holds its locks until the second round has taken its chunks.
                    assertThat(secondDone.await(30, TimeUnit.SECONDS)).isTrue();
                    return locked;
                }));
        assertThat(firstLocked.await(30, TimeUnit.SECONDS)).isTrue();
        List<Chunk> second = lockNext(8000);
        secondDone.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).extracting(Chunk::id).containsExactly(a, b);
        assertThat(second).extracting(Chunk::id).containsExactly(c, d, e);
    }

    @Test
    void shouldReadTheRowsOfItsChunksWithTheirTraceContext() throws Exception {
        long traced = chunk(2, TRACEPARENT);
        long plain = chunk(1);
        long other = chunk(1);
        UUID one = row(traced, "{\"a\": \"1\"}");
        UUID two = row(traced, "{\"a\": \"2\"}");
        UUID three = row(plain, "{\"b\": null}");
        row(other, "{\"c\": \"3\"}");

        List<Entry> entries = QuarkusTransaction.requiringNew().call(() -> outbox.rowsOf(List.of(
                new Chunk(traced, 2, TRACEPARENT),
                new Chunk(plain, 1, null))));

        assertThat(entries).extracting(Entry::referenceId).containsExactlyInAnyOrder(one, two, three);
        assertThat(entries).filteredOn(entry -> entry.chunk() == traced).extracting(Entry::traceparent)
                .containsOnly(TRACEPARENT);
        assertThat(entries).filteredOn(entry -> entry.referenceId().equals(three)).singleElement()
                .satisfies(entry -> {
                    assertThat(entry.traceparent()).isNull();
                    assertThat(entry.row().columns()).containsEntry("b", null);
                });
    }

    @Test
    void shouldCountPendingRowsAndForgetDeletedChunks() throws Exception {
        long a = chunk(3);
        chunk(4);

        QuarkusTransaction.requiringNew().run(() -> outbox.delete(List.of(a)));

        assertThat(QuarkusTransaction.requiringNew().call(outbox::pending)).isEqualTo(4);
    }

    @Test
    void shouldLeaveChunksAnUploadClaimedToItUntilTheClaimExpires() throws Exception {
        long free = chunk(10);
        long fresh = claimedChunk("conveyor-ingest-a#u0", "now()");
        long expired = claimedChunk("conveyor-ingest-b#u1", "now() - interval '2 minutes'");

        List<Chunk> round = lockNext(1000, Duration.ofMinutes(1));

        assertThat(round).extracting(Chunk::id).containsExactly(free, expired);
    }

    @Test
    void shouldGiveBackTheClaimsOfTheNamedProducersOnly() throws Exception {
        long mine = claimedChunk("conveyor-ingest-a#u0", "now()");
        long released = claimedChunk("conveyor-ingest-a#u0", "now()");
        long others = claimedChunk("conveyor-ingest-b#u0", "now()");

        int count = QuarkusTransaction.requiringNew().call(() -> outbox.releaseClaimsOf(List.of("conveyor-ingest-a#u0")));
        QuarkusTransaction.requiringNew().run(() -> outbox.release(List.of(others)));
        List<Chunk> round = lockNext(1000, Duration.ofHours(1));

        assertThat(count).isEqualTo(2);
        assertThat(round).extracting(Chunk::id).containsExactly(mine, released, others);
    }

    /** One round, in a transaction of its own (its locks end with it). */
    private List<Chunk> lockNext(int rows) {
        return QuarkusTransaction.requiringNew().call(() -> outbox.lockNext(rows));
    }

    private List<Chunk> lockNext(int rows, Duration claimExpiry) {
        return QuarkusTransaction.requiringNew().call(() -> outbox.lockNext(rows, claimExpiry));
    }

    /** A chunk of ten rows, claimed by that producer at that time (an SQL expression). */
    private long claimedChunk(String claimedBy, String at) throws Exception {
        long chunk = chunk(10);
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(
                "update row_outbox_chunk set claimed_by = ?, claimed_at = " + at + " where chunk_id = ?")) {
            update.setString(1, claimedBy);
            update.setLong(2, chunk);
            update.executeUpdate();
        }
        return chunk;
    }

    private long chunk(int rows) throws Exception {
        return chunk(rows, null);
    }

    private long chunk(int rows, String traceparent) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "insert into row_outbox_chunk (row_count, traceparent) values (?, ?) returning chunk_id")) {
            insert.setInt(1, rows);
            insert.setString(2, traceparent);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private UUID row(long chunk, String columns) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "insert into source_data (reference_id, source_connection, columns, created_at, origin, outbox_chunk) "
                        + "values (?, 'outbox-it', cast(? as jsonb), ?, 'rest', ?)")) {
            insert.setObject(1, id);
            insert.setString(2, columns);
            insert.setObject(3, java.time.OffsetDateTime.ofInstant(Instant.now(), java.time.ZoneOffset.UTC));
            insert.setLong(4, chunk);
            insert.executeUpdate();
        }
        return id;
    }
}
