package dev.conveyor.ingest.repository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.hibernate.Session;
import org.hibernate.jdbc.ReturningWork;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.conveyor.ingest.SourceRow;

/**
 * Tables {@code row_outbox_chunk} and {@code row_parked}: chunks of rows stored but not yet known
 * to be on {@code conveyor.source-rows} (one entry per COPY of up to {@code upload-chunk-rows} rows
 * of one transaction; the rows carry the chunk's id), and rows Kafka refused for good.
 */
@ApplicationScoped
public class RowOutboxRepository {

    /** Made once: resolving the map type on every row took a quarter of the relay's parsing (JFR). */
    private static final ObjectReader COLUMNS = new ObjectMapper().readerFor(new TypeReference<Map<String, String>>() {
    });
    /** How many chunk entries one look-ahead reads (an entry holds 1 to upload-chunk-rows rows). */
    private static final int LOOK_AHEAD = 1000;

    /** An outbox entry: a chunk of rows, how many, and the trace context they were stored under (or null). */
    public record Chunk(long id, int rows, String traceparent) {
    }

    /**
     * A row of a locked chunk, its columns as the stored JSON text (the relay encodes them straight
     * from it), and the trace context it was stored under (or null).
     */
    public record Entry(long chunk, UUID referenceId, String sourceConnection, String columnsJson, UUID batchId,
            Instant createdAt, String traceparent) {

        /** The row with its columns parsed (for logs and tests; the relay does not need it). */
        public SourceRow row() {
            return new SourceRow(referenceId, sourceConnection, columns(columnsJson), batchId, createdAt, null, null);
        }
    }

    private final EntityManager entityManager;

    public RowOutboxRepository(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * Locks the oldest pending chunks, up to {@code maxRows} rows in all (at least one chunk), for
     * the current transaction. Chunks another relay worker or instance holds are skipped, and the
     * look-ahead goes on past them, so workers take different chunks side by side.
     */
    public List<Chunk> lockNext(int maxRows) {
        return lockNext(maxRows, Duration.ofDays(365));
    }

    /**
     * The same; chunks an upload claimed (it publishes them itself) are left alone until the claim
     * is older than {@code claimExpiry}: by then that upload's Kafka transaction has ended, committed or not.
     */
    public List<Chunk> lockNext(int maxRows, Duration claimExpiry) {
        return withConnection(connection -> {
            List<Chunk> locked = new ArrayList<>();
            int rows = 0;
            long after = 0;
            try (PreparedStatement ahead = connection.prepareStatement("""
                    select chunk_id, row_count from row_outbox_chunk
                    where chunk_id > ? and (claimed_by is null or claimed_at < now() - make_interval(secs => ?))
                    order by chunk_id limit %d""".formatted(LOOK_AHEAD));
                    PreparedStatement lock = connection.prepareStatement("""
                            select chunk_id, row_count, traceparent from row_outbox_chunk
                            where chunk_id = any(?) order by chunk_id for update skip locked""")) {
                while (rows < maxRows) {
                    // Candidates first, without locks: locking in order with a limit would stop at chunks others hold.
                    List<Long> candidates = new ArrayList<>();
                    int candidateRows = 0;
                    boolean full = false;
                    ahead.setLong(1, after);
                    ahead.setDouble(2, claimExpiry.toMillis() / 1000.0);
                    try (ResultSet r = ahead.executeQuery()) {
                        while (r.next()) {
                            int count = r.getInt(2);
                            if (rows + candidateRows + count > maxRows && rows + candidateRows > 0) {
                                full = true;
                                break;
                            }
                            candidates.add(r.getLong(1));
                            candidateRows += count;
                        }
                    }
                    if (candidates.isEmpty()) {
                        break;
                    }
                    int before = locked.size();
                    lock.setArray(1, connection.createArrayOf("bigint", candidates.toArray()));
                    try (ResultSet r = lock.executeQuery()) {
                        while (r.next()) {
                            locked.add(new Chunk(r.getLong(1), r.getInt(2), r.getString(3)));
                            rows += r.getInt(2);
                        }
                    }
                    if (full && locked.size() - before == candidates.size()) {
                        break; // every candidate was ours and the next one does not fit
                    }
                    after = candidates.get(candidates.size() - 1);
                }
            }
            return locked;
        });
    }

    /** The rows of locked chunks, with their chunk's trace context. */
    public List<Entry> rowsOf(List<Chunk> chunks) {
        if (chunks.isEmpty()) {
            return List.of();
        }
        Map<Long, String> traceparents = new HashMap<>();
        int expected = 0;
        for (Chunk chunk : chunks) {
            traceparents.put(chunk.id(), chunk.traceparent());
            expected += chunk.rows();
        }
        int size = expected;
        return withConnection(connection -> {
            // By the chunk index, whatever the statistics say: right after a million-row upload commits,
            // before autovacuum analyzed the table, the planner may otherwise scan it whole.
            try (Statement plan = connection.createStatement()) {
                plan.execute("select set_config('enable_seqscan', 'off', true)");
            }
            try (PreparedStatement select = connection.prepareStatement("""
                    select outbox_chunk, reference_id, source_connection, cast(columns as text), batch_id, created_at
                    from source_data where outbox_chunk = any(?)
                    """)) {
                select.setArray(1, connection.createArrayOf("bigint", traceparents.keySet().toArray()));
                select.setFetchSize(Math.max(1, size));
                List<Entry> entries = new ArrayList<>(size);
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        long chunk = r.getLong(1);
                        entries.add(new Entry(chunk, r.getObject(2, UUID.class), r.getString(3), r.getString(4),
                                r.getObject(5, UUID.class), r.getObject(6, OffsetDateTime.class).toInstant(),
                                traceparents.get(chunk)));
                    }
                }
                return entries;
            }
        });
    }

    /** Chunks whose rows are on the topic (or parked). */
    public void delete(List<Long> chunks) {
        updateAny("delete from row_outbox_chunk where chunk_id = any(?)", "bigint", chunks);
    }

    /** Gives chunks an upload claimed back to the relay (its Kafka transaction did not commit). */
    public void release(List<Long> chunks) {
        updateAny("update row_outbox_chunk set claimed_by = null, claimed_at = null where chunk_id = any(?)", "bigint",
                chunks);
    }

    /**
     * Gives the relay every chunk claimed by these producers: called once they are fenced, so
     * whatever their predecessors left open is aborted.
     *
     * @return how many chunks were released
     */
    public int releaseClaimsOf(List<String> transactionalIds) {
        return updateAny("update row_outbox_chunk set claimed_by = null, claimed_at = null where claimed_by = any(?)",
                "text", transactionalIds);
    }

    /** Keeps a row Kafka refused for good out of the relay's way, with the reason. */
    public void park(UUID referenceId, String reason) {
        entityManager.createNativeQuery("""
                insert into row_parked (reference_id, reason) values (:id, :reason)
                on conflict (reference_id) do update set reason = excluded.reason, parked_at = now()""")
                .setParameter("id", referenceId)
                .setParameter("reason", reason)
                .executeUpdate();
    }

    /** Rows waiting to be published. */
    public long pending() {
        return ((Number) entityManager.createNativeQuery(
                "select coalesce(sum(row_count), 0) from row_outbox_chunk").getSingleResult()).longValue();
    }

    /** Runs {@code sql}, whose one parameter is {@code values} as an SQL array of {@code type}; the rows it changed. */
    private int updateAny(String sql, String type, List<?> values) {
        if (values.isEmpty()) {
            return 0;
        }
        return withConnection(connection -> {
            try (PreparedStatement update = connection.prepareStatement(sql)) {
                update.setArray(1, connection.createArrayOf(type, values.toArray()));
                return update.executeUpdate();
            }
        });
    }

    private <T> T withConnection(ReturningWork<T> work) {
        return entityManager.unwrap(Session.class).doReturningWork(work);
    }

    static Map<String, String> columns(String json) {
        try {
            return COLUMNS.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored columns are not a JSON object of texts", e);
        }
    }
}
