package dev.conveyor.ingest.service;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Whether a row can be stored and fits in one Kafka record. Checked where rows come in, so that
 * the outbox never holds a row the broker will refuse ({@code max.request.size} is 1 MiB by
 * default), and no batch fails in PostgreSQL for one row's sake.
 */
public final class RowLimits {

    /** Allowance per column for the Avro framing of a map entry and the event's other fields. */
    private static final int OVERHEAD_PER_COLUMN = 16;
    private static final int OVERHEAD = 256;

    private RowLimits() {
    }

    /**
     * @return why the row cannot be stored (a NUL character, which PostgreSQL's jsonb refuses and
     *         which would fail the whole COPY) or is too large, or null when it is fine
     */
    public static String problemWith(Map<String, String> columns, int maxRowBytes) {
        String text = problemWithText(columns);
        return text != null ? text : problemWithSize(columns, maxRowBytes);
    }

    /** @return which column holds a NUL character (U+0000), or null when none does */
    public static String problemWithText(Map<String, String> columns) {
        for (Map.Entry<String, String> column : columns.entrySet()) {
            if (column.getKey().indexOf('\u0000') >= 0) {
                return "a column name holds the NUL character (U+0000), which cannot be stored";
            }
            if (column.getValue() != null && column.getValue().indexOf('\u0000') >= 0) {
                return "column '" + column.getKey() + "' holds the NUL character (U+0000), which cannot be stored";
            }
        }
        return null;
    }

    /** @return why the row is too large, or null when it fits in {@code maxRowBytes} */
    static String problemWithSize(Map<String, String> columns, int maxRowBytes) {
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
