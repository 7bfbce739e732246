package dev.conveyor.ingest.pulled.repository;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/** What every source ingest pulls itself (JDBC, S3) records: its name, schedule, last pull and count. */
@MappedSuperclass
public abstract class PulledSourceEntity {

    @Id
    public String name;

    /** Null: pulled on demand only. */
    @Column(name = "pull_every_seconds")
    public Long pullEverySeconds;

    @Column(name = "last_pulled_at")
    public Instant lastPulledAt;

    /** Why the last pull failed, or null when it did not. */
    @Column(name = "last_error")
    public String lastError;

    @Column(name = "rows_imported", nullable = false)
    public long rowsImported;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
