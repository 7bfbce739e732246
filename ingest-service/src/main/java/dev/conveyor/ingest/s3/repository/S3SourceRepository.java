package dev.conveyor.ingest.s3.repository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Tables {@code s3_source} and {@code s3_object_import}. */
@ApplicationScoped
public class S3SourceRepository implements PanacheRepositoryBase<S3SourceEntity, String> {

    /** Locks the source for the current transaction: pulls of one source never overlap, on any instance. */
    public Optional<S3SourceEntity> lock(String name) {
        return findByIdOptional(name, LockModeType.PESSIMISTIC_WRITE);
    }

    public boolean imported(String source, String key, String etag) {
        return !getEntityManager().createNativeQuery("""
                select 1 from s3_object_import where source_name = :source and object_key = :key and etag = :etag
                """)
                .setParameter("source", source).setParameter("key", key).setParameter("etag", etag)
                .getResultList().isEmpty();
    }

    public void recordImport(String source, String key, String etag, long rows, long rejected, String error) {
        getEntityManager().createNativeQuery("""
                insert into s3_object_import (source_name, object_key, etag, rows, rejected, error, imported_at)
                values (:source, :key, :etag, :rows, :rejected, :error, :now)
                """)
                .setParameter("source", source).setParameter("key", key).setParameter("etag", etag)
                .setParameter("rows", rows).setParameter("rejected", rejected).setParameter("error", error)
                .setParameter("now", Instant.now())
                .executeUpdate();
    }

    public List<String> due(Instant now) {
        return getEntityManager().createNativeQuery("""
                select name from s3_source
                where pull_every_seconds is not null
                  and (last_pulled_at is null or last_pulled_at + make_interval(secs => pull_every_seconds) <= :now)
                order by name
                """, String.class)
                .setParameter("now", now)
                .getResultList();
    }
}
