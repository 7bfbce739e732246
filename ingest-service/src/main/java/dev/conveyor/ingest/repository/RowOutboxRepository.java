package dev.conveyor.ingest.repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.ingest.SourceRow;

/** Table {@code row_outbox}: rows stored but not yet known to be on {@code conveyor.source-rows}. */
@ApplicationScoped
public class RowOutboxRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> COLUMNS = new TypeReference<>() {
    };

    /** An outbox entry with the row it publishes and the trace context it was stored under (or null). */
    public record Entry(long seq, SourceRow row, String traceparent) {
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
        List<?> found = entityManager.createNativeQuery("""
                select o.seq, d.reference_id, d.source_connection, cast(d.columns as text), d.batch_id,
                       d.created_at, d.origin, d.line, o.traceparent
                from row_outbox o join source_data d on d.reference_id = o.reference_id
                where o.parked_reason is null
                order by o.seq
                limit :max
                for update of o skip locked
                """)
                .setParameter("max", max)
                .getResultList();
        List<Entry> entries = new ArrayList<>(found.size());
        for (Object result : found) {
            Object[] r = (Object[]) result;
            entries.add(new Entry(((Number) r[0]).longValue(), new SourceRow(uuid(r[1]), (String) r[2],
                    columns((String) r[3]), r[4] == null ? null : uuid(r[4]), instant(r[5]), (String) r[6],
                    r[7] == null ? null : ((Number) r[7]).longValue()), (String) r[8]));
        }
        return entries;
    }

    public void delete(List<Long> seqs) {
        if (!seqs.isEmpty()) {
            entityManager.createNativeQuery("delete from row_outbox where seq in (:seqs)")
                    .setParameter("seqs", seqs)
                    .executeUpdate();
        }
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

    private static UUID uuid(Object value) {
        return value instanceof UUID uuid ? uuid : UUID.fromString(value.toString());
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof Timestamp ts) {
            return ts.toInstant();
        }
        throw new IllegalStateException("Unexpected created_at type " + value.getClass());
    }

    private static Map<String, String> columns(String json) {
        try {
            return JSON.readValue(json, COLUMNS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored columns are not a JSON object of texts", e);
        }
    }
}
