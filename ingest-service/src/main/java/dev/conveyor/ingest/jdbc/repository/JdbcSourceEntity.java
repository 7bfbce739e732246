package dev.conveyor.ingest.jdbc.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.conveyor.ingest.pulled.repository.PulledSourceEntity;

/** A row of table {@code jdbc_source}: a database ingest pulls rows from, and how far it has read. */
@Entity
@Table(name = "jdbc_source")
public class JdbcSourceEntity extends PulledSourceEntity {

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

    @Column(name = "last_value")
    public String lastValue;

    @Column(name = "last_value_type")
    public String lastValueType;
}
