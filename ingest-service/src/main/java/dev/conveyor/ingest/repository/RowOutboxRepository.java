package dev.conveyor.ingest.repository;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
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

/** Table {@code row_outbox}: rows stored but not yet known to be on {@code conveyor.source-rows}. */
@ApplicationScoped
public class RowOutboxRepository {

    /** Made once: resolving the map type on every row took a quarter of the relay's parsing (JFR). */
    private static final ObjectReader COLUMNS = new ObjectMapper().readerFor(new TypeReference<Map<String, String>>() {
    });

    /**
     * An outbox entry with the row it publishes, its columns as the stored JSON text (the relay
     * encodes them straight from it), and the trace context it was stored under (or null).
     */
    public record Entry(long seq, UUID referenceId, String sourceConnection, String columnsJson, UUID batchId,
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
     * Locks the oldest pending entries for the current transaction. Entries another instance's
     * relay holds are skipped, so instances never publish the same entry at the same time.
     */
    public List<Entry> lockNext(int max) {
        return withConnection(connection -> {
            // The plan must walk the outbox's primary key in order and look each row up by its key,
            // whatever the statistics say. Right after a million-row upload commits, before
            // autovacuum analyzes the tables, the planner otherwise joins every pending entry and
            // sorts them all to take the first 10,000: 3.9 s a round instead of 0.07 s (EXPLAIN
            // ANALYZE, 300,000 entries; docs/decisions/09-ingest-relay-workers.md). For this transaction only.
            try (Statement plan = connection.createStatement()) {
                plan.execute("select set_config('enable_seqscan', 'off', true), set_config('enable_sort', 'off', true), "
                        + "set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)");
            }
            try (PreparedStatement select = connection.prepareStatement("""
                    select o.seq, d.reference_id, d.source_connection, cast(d.columns as text), d.batch_id,
                           d.created_at, o.traceparent
                    from row_outbox o join source_data d on d.reference_id = o.reference_id
                    where o.parked_reason is null
                    order by o.seq
                    limit ?
                    for update of o skip locked
                    """)) {
                select.setInt(1, max);
                select.setFetchSize(max);
                List<Entry> entries = new ArrayList<>();
                try (ResultSet r = select.executeQuery()) {
                    while (r.next()) {
                        entries.add(new Entry(r.getLong(1), r.getObject(2, UUID.class), r.getString(3), r.getString(4),
                                r.getObject(5, UUID.class), r.getObject(6, OffsetDateTime.class).toInstant(),
                                r.getString(7)));
                    }
                }
                return entries;
            }
        });
    }

    public void delete(List<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        withConnection(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("delete from row_outbox where seq = any(?)")) {
                delete.setArray(1, connection.createArrayOf("bigint", seqs.toArray()));
                return delete.executeUpdate();
            }
        });
    }

    /** Keeps an entry Kafka refused for good out of the relay's way, with the reason. */
    public void park(long seq, String reason) {
        entityManager.createNativeQuery("update row_outbox set parked_reason = :reason where seq = :seq")
                .setParameter("reason", reason)
                .setParameter("seq", seq)
                .executeUpdate();
    }

    public long pending() {
        return ((Number) entityManager.createNativeQuery(
                "select count(*) from row_outbox where parked_reason is null").getSingleResult()).longValue();
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
