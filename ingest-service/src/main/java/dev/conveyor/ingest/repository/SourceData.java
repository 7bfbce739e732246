package dev.conveyor.ingest.repository;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import dev.conveyor.ingest.SourceRow;

/** A row of table {@code source_data}. */
@Entity
@Table(name = "source_data")
public class SourceData {

    @Id
    @Column(name = "reference_id")
    public UUID referenceId;

    @Column(name = "source_connection", nullable = false)
    public String sourceConnection;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "columns", nullable = false, columnDefinition = "jsonb")
    public Map<String, String> columns;

    @Column(name = "batch_id")
    public UUID batchId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "origin", nullable = false)
    public String origin;

    @Column(name = "line")
    public Long line;

    public static SourceData of(SourceRow row) {
        SourceData entity = new SourceData();
        entity.referenceId = row.referenceId();
        entity.sourceConnection = row.sourceConnection();
        entity.columns = row.columns();
        entity.batchId = row.batchId();
        entity.createdAt = row.createdAt();
        entity.origin = row.origin();
        entity.line = row.line();
        return entity;
    }

    public SourceRow toRow() {
        return new SourceRow(referenceId, sourceConnection, columns, batchId, createdAt, origin, line);
    }
}
