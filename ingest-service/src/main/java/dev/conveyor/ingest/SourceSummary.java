package dev.conveyor.ingest;

import java.util.Map;

/** What the catalogue knows of a source: its row count, and per column how many rows have it. */
public record SourceSummary(String sourceConnection, long rowCount, Map<String, Long> columns) {
}
