package dev.conveyor.ingest.repository;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.conveyor.ingest.SourceRow;

/**
 * Rows in PostgreSQL's COPY text format, for bulk writes of {@code source_data}: one line a row,
 * tab-separated, {@code \N} for null, backslash escapes. The columns are written as a JSON object
 * straight into the line, without building a JSON tree first.
 */
final class CopyText {

    /** The columns of {@code source_data} in the order {@link #rows} writes them. */
    static final String SOURCE_DATA_COLUMNS = "reference_id, source_connection, columns, batch_id, created_at, origin, line, "
            + "outbox_chunk";

    private CopyText() {
    }

    /**
     * @param outboxChunk the outbox chunk the rows are published by, or null when they are not
     *        ingest's to publish (read back from the topic)
     */
    static String rows(List<SourceRow> rows, Long outboxChunk) {
        String chunk = outboxChunk == null ? "\\N" : outboxChunk.toString();
        StringBuilder out = new StringBuilder(rows.size() * 200);
        // The rows of a chunk share source, batch, time and origin: each is formatted once, not per row.
        Shared source = new Shared();
        Shared batch = new Shared();
        Shared createdAt = new Shared();
        Shared origin = new Shared();
        for (SourceRow row : rows) {
            uuid(out, row.referenceId());
            out.append('\t').append(source.of(row.sourceConnection(), true)).append('\t');
            jsonObject(out, row.columns(), JSON_IN_COPY);
            out.append('\t').append(batch.of(row.batchId(), false));
            out.append('\t').append(createdAt.of(row.createdAt(), false)).append('\t');
            out.append(origin.of(row.origin(), true)).append('\t');
            if (row.line() == null) {
                out.append("\\N");
            } else {
                out.append(row.line().longValue());
            }
            out.append('\t').append(chunk).append('\n');
        }
        return out.toString();
    }

    /** The COPY text of the last value seen, kept while the next rows bring the same value. */
    private static final class Shared {
        private Object value;
        private String text = "\\N";

        String of(Object next, boolean escape) {
            if (next != value && (next == null || !next.equals(value))) {
                value = next;
                if (next == null) {
                    text = "\\N";
                } else {
                    StringBuilder formatted = new StringBuilder();
                    if (escape) {
                        CopyText.text(formatted, next.toString());
                    } else {
                        formatted.append(next);
                    }
                    text = formatted.toString();
                }
            }
            return text;
        }
    }

    /** Writes one JSON string (quotes included) of a value into a line. */
    @FunctionalInterface
    interface StringWriter {
        void write(StringBuilder out, String value);
    }

    /** JSON strings as Jackson writes them. */
    static final StringWriter JSON = CopyText::jsonString;
    /**
     * JSON strings and at once a COPY text value: the JSON's own escapes carry backslashes, which
     * COPY doubles. One pass, no JSON string in between.
     */
    static final StringWriter JSON_IN_COPY = CopyText::copyJsonString;

    /** A JSON object of texts (null values kept), its strings written by {@code strings}. */
    static void jsonObject(StringBuilder out, Map<String, String> columns, StringWriter strings) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> column : columns.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            strings.write(out, column.getKey());
            out.append(':');
            if (column.getValue() == null) {
                out.append("null");
            } else {
                strings.write(out, column.getValue());
            }
        }
        out.append('}');
    }

    private static void copyJsonString(StringBuilder out, String value) {
        out.append('"');
        int length = value.length();
        int plainFrom = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(value, plainFrom, i);
            plainFrom = i + 1;
            switch (c) {
                case '"' -> out.append("\\\\\"");
                case '\\' -> out.append("\\\\\\\\");
                case '\n' -> out.append("\\\\n");
                case '\r' -> out.append("\\\\r");
                case '\t' -> out.append("\\\\t");
                case '\b' -> out.append("\\\\b");
                case '\f' -> out.append("\\\\f");
                default -> out.append("\\\\u00").append(Character.forDigit(c >> 4, 16))
                        .append(Character.forDigit(c & 0xF, 16));
            }
        }
        out.append(value, plainFrom, length);
        out.append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** A UUID in its canonical form, without the string {@link UUID#toString} makes. */
    static void uuid(StringBuilder out, UUID id) {
        hex(out, id.getMostSignificantBits() >>> 32, 8);
        out.append('-');
        hex(out, id.getMostSignificantBits() >>> 16, 4);
        out.append('-');
        hex(out, id.getMostSignificantBits(), 4);
        out.append('-');
        hex(out, id.getLeastSignificantBits() >>> 48, 4);
        out.append('-');
        hex(out, id.getLeastSignificantBits(), 12);
    }

    private static void hex(StringBuilder out, long bits, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.append(HEX[(int) (bits >>> shift) & 0xF]);
        }
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
    static void text(StringBuilder out, CharSequence value) {
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
}
