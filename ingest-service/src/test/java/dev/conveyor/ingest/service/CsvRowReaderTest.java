package dev.conveyor.ingest.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CsvRowReaderTest {

    private static List<ParsedRow> read(byte[] body) {
        List<ParsedRow> rows = new ArrayList<>();
        new CsvRowReader(new ByteArrayInputStream(body), 1024).forEachRemaining(rows::add);
        return rows;
    }

    private static List<ParsedRow> read(String body) {
        return read(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldReadRfc4180QuotingWithTheHeaderNamingTheColumns() {
        List<ParsedRow> rows = read("data_column_1,data_column_2\r\n"
                + "I love this movie.,\"The plot was great, really.\"\r\n"
                + "\"She said \"\"boring\"\"\",\"two\nlines\"\r\n");

        Map<String, String> first = new LinkedHashMap<>();
        first.put("data_column_1", "I love this movie.");
        first.put("data_column_2", "The plot was great, really.");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).isEqualTo(ParsedRow.ok(2, first));
        assertThat(rows.get(1).columns()).containsEntry("data_column_1", "She said \"boring\"")
                .containsEntry("data_column_2", "two\nlines");
    }

    @Test
    void shouldSkipAByteOrderMark() {
        byte[] text = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[text.length + 3];
        body[0] = (byte) 0xEF;
        body[1] = (byte) 0xBB;
        body[2] = (byte) 0xBF;
        System.arraycopy(text, 0, body, 3, text.length);

        assertThat(read(body)).containsExactly(ParsedRow.ok(2, Map.of("a", "1", "b", "2")));
    }

    @Test
    void shouldRejectRaggedRowsAloneNamingTheirLine() {
        List<ParsedRow> rows = read("a,b\n1,2\n3\n4,5,6\n7,8\n");

        assertThat(rows).extracting(ParsedRow::line).containsExactly(2L, 3L, 4L, 5L);
        assertThat(rows.get(1).problem()).isEqualTo("has 1 fields, the header has 2");
        assertThat(rows.get(2).problem()).isEqualTo("has 3 fields, the header has 2");
        assertThat(rows.get(3)).isEqualTo(ParsedRow.ok(5, Map.of("a", "7", "b", "8")));
    }

    @Test
    void shouldRejectTheFileWhenTheHeaderIsMissingOrDuplicated() {
        assertThatThrownBy(() -> read("")).isInstanceOf(UnreadableUploadException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> read("a,a\n1,2\n")).isInstanceOf(UnreadableUploadException.class)
                .hasMessageContaining("header");
    }

    @Test
    void shouldRejectTheFileWhenItIsNotUtf8() {
        byte[] latin1 = "a\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> read(latin1)).isInstanceOf(UnreadableUploadException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void shouldRejectTheFileAtAnUnterminatedQuoteOrAnOverlongLine() {
        assertThatThrownBy(() -> read("a\n\"open\n")).isInstanceOf(UnreadableUploadException.class);
        assertThatThrownBy(() -> read("a\n" + "x".repeat(5000) + "\n")).isInstanceOf(UnreadableUploadException.class)
                .hasMessageContaining("longer than 1024");
    }
}
