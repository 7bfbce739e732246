package dev.conveyor.ingest.repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.messaging.RowTraces;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;

/** Table {@code source_data}, and the outbox entries that go with new rows. */
@ApplicationScoped
public class SourceDataRepository implements PanacheRepositoryBase<SourceData, UUID> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Inserts the rows whose reference id is not stored yet and an outbox entry for each of them,
     * in one statement, and returns the ids it inserted. Rows already there (redelivered, or
     * re-sent with the same reference id) are left alone and are not published again.
     */
    public List<UUID> insertMissingWithOutbox(List<SourceRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return ids(getEntityManager().createNativeQuery("""
                with inserted as (
                    insert into source_data (reference_id, source_connection, columns, batch_id, created_at, origin, line)
                    select cast(r->>'reference_id' as uuid), r->>'source_connection', r->'columns',
                           cast(r->>'batch_id' as uuid), cast(r->>'created_at' as timestamptz), r->>'origin',
                           cast(r->>'line' as bigint)
                    from jsonb_array_elements(cast(:rows as jsonb)) with ordinality as e(r, n)
                    order by e.n
                    on conflict (reference_id) do nothing
                    returning reference_id)
                insert into row_outbox (reference_id, traceparent)
                select reference_id, cast(:traceparent as text) from inserted
                returning reference_id
                """)
                .setParameter("rows", toJson(rows))
                // the request's trace context: the relay publishes the rows later, as part of this trace
                .setParameter("traceparent", RowTraces.current())
                .getResultList());
    }

    /**
     * Inserts rows that were already published (read back from {@code conveyor.source-rows}) when
     * they are not stored yet; no outbox entry, they are on the topic already.
     */
    public List<UUID> insertMissing(List<SourceRow> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return ids(getEntityManager().createNativeQuery("""
                insert into source_data (reference_id, source_connection, columns, batch_id, created_at, origin, line)
                select cast(r->>'reference_id' as uuid), r->>'source_connection', r->'columns',
                       cast(r->>'batch_id' as uuid), cast(r->>'created_at' as timestamptz), r->>'origin',
                           cast(r->>'line' as bigint)
                from jsonb_array_elements(cast(:rows as jsonb)) as r
                on conflict (reference_id) do nothing
                returning reference_id
                """)
                .setParameter("rows", toJson(rows))
                .getResultList());
    }

    public List<SourceRow> page(String source, int page, int size) {
        return find("sourceConnection", Sort.by("createdAt").and("batchId").and("line").and("referenceId"), source)
                .page(Page.of(page, size))
                .stream()
                .map(SourceData::toRow)
                .toList();
    }

    public long countBySource(String source) {
        return count("sourceConnection", source);
    }

    private static List<UUID> ids(List<?> returned) {
        List<UUID> ids = new ArrayList<>(returned.size());
        for (Object id : returned) {
            ids.add(id instanceof UUID uuid ? uuid : UUID.fromString(id.toString()));
        }
        return ids;
    }

    private static String toJson(List<SourceRow> rows) {
        List<Map<String, Object>> array = new ArrayList<>(rows.size());
        for (SourceRow row : rows) {
            Map<String, Object> element = new LinkedHashMap<>();
            element.put("reference_id", row.referenceId().toString());
            element.put("source_connection", row.sourceConnection());
            element.put("columns", row.columns());
            element.put("batch_id", row.batchId() == null ? null : row.batchId().toString());
            element.put("created_at", row.createdAt().toString());
            element.put("origin", row.origin());
            element.put("line", row.line());
            array.add(element);
        }
        try {
            return JSON.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write rows as JSON", e);
        }
    }
}
