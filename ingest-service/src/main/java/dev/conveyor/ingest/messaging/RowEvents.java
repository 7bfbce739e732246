package dev.conveyor.ingest.messaging;

import java.util.UUID;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.service.RowBatchParser;
import dev.conveyor.ingest.service.RowLimits;
import dev.conveyor.schemas.RowIngested;

/** Maps rows to {@link RowIngested} events and back, and says why an event cannot be stored. */
public final class RowEvents {

    private RowEvents() {
    }

    public static RowIngested toEvent(SourceRow row) {
        return RowIngested.newBuilder()
                .setReferenceId(row.referenceId().toString())
                .setSourceConnection(row.sourceConnection())
                .setColumns(row.columns())
                .setIngestedAt(row.createdAt())
                .setBatchId(row.batchId() == null ? null : row.batchId().toString())
                .build();
    }

    /** Only for events {@link #problemWith} accepts; {@code origin} says which topic it was read from. */
    public static SourceRow toRow(RowIngested event, String origin) {
        return new SourceRow(UUID.fromString(event.getReferenceId()), event.getSourceConnection(),
                event.getColumns(), event.getBatchId() == null ? null : UUID.fromString(event.getBatchId()),
                event.getIngestedAt(), origin, null);
    }

    /** @return why the event cannot be stored as a row, or null when it can */
    public static String problemWith(RowIngested event) {
        if (!isUuid(event.getReferenceId())) {
            return "referenceId is not a UUID: '" + event.getReferenceId() + "'";
        }
        if (event.getSourceConnection() == null || event.getSourceConnection().isBlank()) {
            return "sourceConnection is blank";
        }
        if (!RowBatchParser.isValidSourceName(event.getSourceConnection())) {
            return "sourceConnection '" + event.getSourceConnection() + "' does not match "
                    + RowBatchParser.SOURCE_NAME.pattern();
        }
        if (event.getColumns() == null || event.getColumns().isEmpty()) {
            return "columns are empty: a row needs at least one column";
        }
        if (event.getColumns().keySet().stream().anyMatch(String::isBlank)) {
            return "columns has a blank column name";
        }
        if (event.getBatchId() != null && !isUuid(event.getBatchId())) {
            return "batchId is not a UUID: '" + event.getBatchId() + "'";
        }
        return RowLimits.problemWithText(event.getColumns());
    }

    static boolean isUuid(String text) {
        if (text == null) {
            return false;
        }
        try {
            // UUID.fromString is lenient ("1-1-1-1-1" parses); the round trip demands the canonical form.
            return UUID.fromString(text).toString().equalsIgnoreCase(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
