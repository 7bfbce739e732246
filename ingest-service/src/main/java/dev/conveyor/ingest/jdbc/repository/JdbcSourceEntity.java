package dev.conveyor.ingest.jdbc.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of table {@code jdbc_source}: a database ingest pulls rows from, and how far it has read. */
@Entity
@Table(name = "jdbc_source")
public class JdbcSourceEntity {

    @Id
    public String name;

    @Column(name = "jdbc_url", nullable = false)
    public String jdbcUrl;

    /** Names the credentials in configuration ({@code conveyor.credentials.<ref>.*}); never the password. */
    @Column(nullable = false)
    public String credentials;

    /** The query rows are read with ({@code select * from <table>} when a table was given). */
    @Column(nullable = false)
    public String query;

    @Column(name = "incremental_column", nullable = false)
    public String incrementalColumn;

    @Column(name = "pull_every_seconds")
    public Long pullEverySeconds;

    @Column(name = "last_value")
    public String lastValue;

    @Column(name = "last_value_type")
    public String lastValueType;

    @Column(name = "last_pulled_at")
    public Instant lastPulledAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "rows_imported", nullable = false)
    public long rowsImported;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
