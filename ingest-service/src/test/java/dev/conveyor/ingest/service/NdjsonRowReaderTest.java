package dev.conveyor.ingest.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class NdjsonRowReaderTest {

    private static List<ParsedRow> read(byte[] body, int maxLineBytes) {
        List<ParsedRow> rows = new ArrayList<>();
        new NdjsonRowReader(new ByteArrayInputStream(body), maxLineBytes).forEachRemaining(rows::add);
        return rows;
    }

    private static List<ParsedRow> read(String body) {
        return read(body.getBytes(StandardCharsets.UTF_8), 1024);
    }

    @Test
    void shouldReadOneRowPerLineKeepingNumbersAsTheirText() {
        List<ParsedRow> rows = read("{\"data_column_1\": \"I love this movie.\"}\r\n\n{\"n\": 10.50, \"b\": true}");

        assertThat(rows).containsExactly(
                ParsedRow.ok(1, Map.of("data_column_1", "I love this movie.")),
                ParsedRow.ok(3, Map.of("n", "10.50", "b", "true")));
    }

    @Test
    void shouldSkipALeadingByteOrderMark() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] line = "{\"a\": \"x\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[bom.length + line.length];
        System.arraycopy(bom, 0, body, 0, 3);
        System.arraycopy(line, 0, body, 3, line.length);

        assertThat(read(body, 1024)).containsExactly(ParsedRow.ok(1, Map.of("a", "x")));
    }

    @Test
    void shouldRejectBadLinesOneByOneAndReadOn() {
        List<ParsedRow> rows = read("""
                {"a": "ok"}
                {"a": "broken"
                ["not", "an", "object"]
                {}
                {"a": 1} {"a": 2}
                {"a": "last"}
                """);

        assertThat(rows).extracting(ParsedRow::line).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(rows.get(0).problem()).isNull();
        assertThat(rows.get(1).problem()).startsWith("malformed JSON");
        assertThat(rows.get(2).problem()).contains("must be a JSON object");
        assertThat(rows.get(3).problem()).contains("at least one column");
        assertThat(rows.get(4).problem()).startsWith("malformed JSON");
        assertThat(rows.get(5)).isEqualTo(ParsedRow.ok(6, Map.of("a", "last")));
    }

    @Test
    void shouldRejectALineThatIsNotUtf8() {
        byte[] latin1 = "{\"a\": \"caf\u00e9\"}\n{\"a\": \"ok\"}".getBytes(StandardCharsets.ISO_8859_1);

        List<ParsedRow> rows = read(latin1, 1024);

        assertThat(rows.get(0).problem()).contains("not valid UTF-8");
        assertThat(rows.get(1)).isEqualTo(ParsedRow.ok(2, Map.of("a", "ok")));
    }

    @Test
    void shouldRejectAnOverlongLineWithoutHoldingItAndGoOn() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write("{\"a\": \"first\"}\n{\"a\": \"".getBytes(StandardCharsets.UTF_8));
        // 50 MB of one line, generated as it is read: the reader must not keep it.
        long hugeLength = 50L * 1024 * 1024;
        byte[] tail = "\"}\n{\"a\": \"after\"}\n".getBytes(StandardCharsets.UTF_8);
        InputStream body = new java.io.SequenceInputStream(new ByteArrayInputStream(head.toByteArray()),
                new java.io.SequenceInputStream(new RepeatingStream((byte) 'x', hugeLength),
                        new ByteArrayInputStream(tail)));

        List<ParsedRow> rows = new ArrayList<>();
        new NdjsonRowReader(body, 1024 * 1024).forEachRemaining(rows::add);

        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).isEqualTo(ParsedRow.ok(1, Map.of("a", "first")));
        assertThat(rows.get(1).line()).isEqualTo(2);
        assertThat(rows.get(1).problem()).contains("longer than 1048576 bytes");
        assertThat(rows.get(2)).isEqualTo(ParsedRow.ok(3, Map.of("a", "after")));
    }

    /** {@code length} copies of one byte, made up as they are read. */
    static final class RepeatingStream extends InputStream {
        private final byte value;
        private long left;

        RepeatingStream(byte value, long length) {
            this.value = value;
            this.left = length;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return value;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, value);
            left -= n;
            return n;
        }
    }
}
