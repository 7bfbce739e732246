package dev.conveyor.ingest.repository;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.conveyor.ingest.SourceRow;

/**
 * Rows in PostgreSQL's COPY text format, for bulk writes of {@code source_data} and
 * {@code row_outbox}: one line a row, tab-separated, {@code \N} for null, backslash escapes. The
 * columns are written as a JSON object straight into the line, without building a JSON tree first.
 */
final class CopyText {

    /** The columns of {@code source_data} in the order {@link #rows} writes them. */
    static final String SOURCE_DATA_COLUMNS = "reference_id, source_connection, columns, batch_id, created_at, origin, line";

    private CopyText() {
    }

    static String rows(List<SourceRow> rows) {
        StringBuilder out = new StringBuilder(rows.size() * 160);
        for (SourceRow row : rows) {
            out.append(row.referenceId()).append('\t');
            text(out, row.sourceConnection());
            out.append('\t');
            StringBuilder json = new StringBuilder(128);
            json(json, row.columns());
            text(out, json);
            out.append('\t');
            nullable(out, row.batchId());
            out.append('\t').append(row.createdAt()).append('\t');
            text(out, row.origin());
            out.append('\t');
            nullable(out, row.line());
            out.append('\n');
        }
        return out.toString();
    }

    /** One outbox line a row: its reference id and the trace context it came in with (or null). */
    static String outbox(List<UUID> ids, String traceparent) {
        StringBuilder out = new StringBuilder(ids.size() * (traceparent == null ? 40 : 96));
        for (UUID id : ids) {
            out.append(id).append('\t');
            if (traceparent == null) {
                out.append("\\N");
            } else {
                text(out, traceparent);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** A JSON object of texts (null values kept), as Jackson would write it. */
    static void json(StringBuilder out, Map<String, String> columns) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> column : columns.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            jsonString(out, column.getKey());
            out.append(':');
            if (column.getValue() == null) {
                out.append("null");
            } else {
                jsonString(out, column.getValue());
            }
        }
        out.append('}');
    }

    private static void jsonString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** A value in COPY text format: backslash, tab, newline and carriage return escaped. */
    private static void text(StringBuilder out, CharSequence value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    private static void nullable(StringBuilder out, Object value) {
        if (value == null) {
            out.append("\\N");
        } else {
            out.append(value);
        }
    }
}
