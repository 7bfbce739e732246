package dev.conveyor.ingest.repository;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.conveyor.ingest.SourceSummary;

/** A row of table {@code source_catalogue}. Written only by {@link SourceCatalogueRepository#add}. */
@Entity
@Table(name = "source_catalogue")
public class SourceCatalogueEntry {

    @Id
    @Column(name = "source_connection")
    public String sourceConnection;

    @Column(name = "row_count", nullable = false)
    public long rowCount;

    /** Column name to the number of rows having that column. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "column_counts", nullable = false, columnDefinition = "jsonb")
    public Map<String, Long> columnCounts;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public SourceSummary toSummary() {
        return new SourceSummary(sourceConnection, rowCount, new TreeMap<>(columnCounts));
    }
}
