package dev.conveyor.ingest;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * One stored row of a source: its columns as texts (a value may be null), and where it came from
 * ({@code rest}, {@code kafka:<topic>}, {@code jdbc:<name>}, {@code s3://bucket/prefix}). {@code line}
 * is its place in the request that brought it (array index + 1, NDJSON or CSV line), or null.
 */
public record SourceRow(UUID referenceId, String sourceConnection, Map<String, String> columns, UUID batchId,
        Instant createdAt, String origin, Long line) {
}
