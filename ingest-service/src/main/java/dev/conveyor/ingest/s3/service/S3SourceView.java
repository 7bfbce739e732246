package dev.conveyor.ingest.s3.service;

import java.time.Instant;

import dev.conveyor.ingest.s3.repository.S3SourceEntity;

/** An S3 source as the API shows it: the credentials reference, never a secret. */
public record S3SourceView(String name, String sourceConnection, String endpoint, String region, String bucket,
        String prefix, String format, String credentials, boolean pathStyle, String reject, Long pullEverySeconds,
        Instant lastPulledAt, String lastError, long objectsImported, long rowsImported) {

    static S3SourceView of(S3SourceEntity e) {
        return new S3SourceView(e.name, S3SourceReader.sourceConnection(e.bucket, e.prefix), e.endpoint, e.region,
                e.bucket, e.prefix, e.format, e.credentials, e.pathStyle, e.reject, e.pullEverySeconds,
                e.lastPulledAt, e.lastError, e.objectsImported, e.rowsImported);
    }
}
