package dev.conveyor.ingest.s3.repository;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.ingest.pulled.repository.PulledSourceRepository;

/** Tables {@code s3_source} and {@code s3_object_import}. */
@ApplicationScoped
public class S3SourceRepository implements PulledSourceRepository<S3SourceEntity> {

    @Override
    public String table() {
        return "s3_source";
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
}
