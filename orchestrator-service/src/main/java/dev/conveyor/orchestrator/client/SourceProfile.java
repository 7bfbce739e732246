package dev.conveyor.orchestrator.client;

import java.util.Map;

/** What ingest-service knows of a source: how many rows, and how many rows have each column. */
public record SourceProfile(String sourceConnection, long rowCount, Map<String, Long> columns) {

    /** Rows of the source that lack the column. */
    public long rowsMissing(String column) {
        return rowCount - columns.getOrDefault(column, 0L);
    }
}
