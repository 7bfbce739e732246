package dev.conveyor.ingest.s3.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import dev.conveyor.ingest.pulled.repository.PulledSourceEntity;

/** A row of table {@code s3_source}: a bucket and prefix ingest takes CSV or NDJSON objects from. */
@Entity
@Table(name = "s3_source")
public class S3SourceEntity extends PulledSourceEntity {

    /** Null for AWS itself; any S3-compatible store otherwise. */
    public String endpoint;

    @Column(nullable = false)
    public String region;

    @Column(nullable = false)
    public String bucket;

    @Column(nullable = false)
    public String prefix;

    /** {@code csv} or {@code ndjson}; null: by the object's extension. */
    public String format;

    /** Names the access key and secret in configuration ({@code conveyor.credentials.<ref>.*}). */
    @Column(nullable = false)
    public String credentials;

    @Column(name = "path_style", nullable = false)
    public boolean pathStyle;

    @Column(nullable = false)
    public String reject;

    @Column(name = "objects_imported", nullable = false)
    public long objectsImported;
}
