package dev.conveyor.ingest.repository;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;

/** Table {@code source_catalogue}. */
@ApplicationScoped
public class SourceCatalogueRepository implements PanacheRepositoryBase<SourceCatalogueEntry, String> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Adds rows to a source's counts in one upsert, so concurrent batches for the same source
     * serialize on its catalogue row instead of losing each other's increments.
     *
     * @param columnCounts per column, how many of the added rows have it
     */
    public void add(String source, long rows, Map<String, Long> columnCounts, Instant updatedAt) {
        getEntityManager().createNativeQuery("""
                insert into source_catalogue (source_connection, row_count, column_counts, updated_at)
                values (:source, :rows, cast(:counts as jsonb), :updatedAt)
                on conflict (source_connection) do update set
                    row_count = source_catalogue.row_count + excluded.row_count,
                    column_counts = (
                        select coalesce(jsonb_object_agg(c.key, c.total), cast('{}' as jsonb))
                        from (select e.key, sum(cast(e.value as bigint)) as total
                              from (select * from jsonb_each_text(source_catalogue.column_counts)
                                    union all
                                    select * from jsonb_each_text(excluded.column_counts)) as e
                              group by e.key) as c),
                    updated_at = excluded.updated_at
                """)
                .setParameter("source", source)
                .setParameter("rows", rows)
                .setParameter("counts", toJson(columnCounts))
                .setParameter("updatedAt", updatedAt)
                .executeUpdate();
    }

    public List<SourceCatalogueEntry> page(int page, int size) {
        return findAll(Sort.by("sourceConnection")).page(Page.of(page, size)).list();
    }

    private static String toJson(Map<String, Long> counts) {
        try {
            return JSON.writeValueAsString(counts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write column counts as JSON", e);
        }
    }
}
