package dev.conveyor.ingest.service;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Whether a row fits in one Kafka record. Checked where rows come in, so that the outbox never
 * holds a row the broker will refuse ({@code max.request.size} is 1 MiB by default).
 */
public final class RowLimits {

    /** Allowance per column for the Avro framing of a map entry and the event's other fields. */
    private static final int OVERHEAD_PER_COLUMN = 16;
    private static final int OVERHEAD = 256;

    private RowLimits() {
    }

    /** @return why the row is too large, or null when it fits in {@code maxRowBytes} */
    public static String problemWithSize(Map<String, String> columns, int maxRowBytes) {
        long upperBound = OVERHEAD;
        for (Map.Entry<String, String> column : columns.entrySet()) {
            // A char is at most 3 UTF-8 bytes: only count exactly when the cheap bound is too high.
            upperBound += OVERHEAD_PER_COLUMN + 3L * column.getKey().length()
                    + (column.getValue() == null ? 0 : 3L * column.getValue().length());
        }
        if (upperBound <= maxRowBytes) {
            return null;
        }
        long exact = OVERHEAD;
        for (Map.Entry<String, String> column : columns.entrySet()) {
            exact += OVERHEAD_PER_COLUMN + column.getKey().getBytes(StandardCharsets.UTF_8).length
                    + (column.getValue() == null ? 0 : column.getValue().getBytes(StandardCharsets.UTF_8).length);
        }
        return exact <= maxRowBytes ? null
                : "the row takes " + exact + " bytes, more than the " + maxRowBytes + " one Kafka record may hold";
    }
}
