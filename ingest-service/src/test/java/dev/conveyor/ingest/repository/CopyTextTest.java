package dev.conveyor.ingest.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.ingest.SourceRow;

class CopyTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldWriteOneTabSeparatedLinePerRowWithNullsAsBackslashN() {
        UUID id = UUID.fromString("6f1c2a7e-1d2b-4c3a-9e8f-0a1b2c3d4e5f");
        UUID batch = UUID.fromString("00000000-0000-0000-0000-000000000001");
        SourceRow withAll = new SourceRow(id, "S3", Map.of("a", "1"), batch, Instant.parse("2026-01-02T03:04:05.678Z"),
                "rest", 7L);
        SourceRow withoutBatch = new SourceRow(id, "S3", Map.of("a", "1"), null,
                Instant.parse("2026-01-02T03:04:05Z"), "kafka:t", null);

        assertThat(CopyText.rows(List.of(withAll, withoutBatch), 42L)).isEqualTo(
                id + "\tS3\t{\"a\":\"1\"}\t" + batch + "\t2026-01-02T03:04:05.678Z\trest\t7\t42\n"
                        + id + "\tS3\t{\"a\":\"1\"}\t\\N\t2026-01-02T03:04:05Z\tkafka:t\t\\N\t42\n");
    }

    @Test
    void shouldWriteNoOutboxChunkForRowsThatAreNotIngestsToPublish() {
        SourceRow row = new SourceRow(UUID.randomUUID(), "S3", Map.of("a", "1"), null, Instant.EPOCH, "kafka:t", null);

        assertThat(CopyText.rows(List.of(row), null)).endsWith("\t\\N\t\\N\n");
    }

    @Test
    void shouldWriteColumnsAsJsonThatReadsBackToTheSameTexts() throws Exception {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("quote \" and backslash \\", "tab\there, newline\nthere, cr\r, bell\u0007, é ✓ 😀");
        columns.put("empty", "");
        columns.put("missing", null);
        StringBuilder json = new StringBuilder();

        CopyText.jsonObject(json, columns, CopyText.JSON);

        assertThat(JSON.readValue(json.toString(), new TypeReference<LinkedHashMap<String, String>>() {
        })).isEqualTo(columns);
        assertThat(json.toString()).doesNotContain("\n", "\t", "\r");
    }

    @Test
    void shouldEscapeBackslashesOfTheJsonForCopy() {
        SourceRow row = new SourceRow(UUID.randomUUID(), "S3", Map.of("a", "x\"y\\z\nw"), null, Instant.EPOCH,
                "rest", null);

        String line = CopyText.rows(List.of(row), 1L);

        // JSON {"a":"x\"y\\z\nw"}; COPY text doubles every backslash of it.
        assertThat(line.split("\t")[2]).isEqualTo("{\"a\":\"x\\\\\"y\\\\\\\\z\\\\nw\"}");
    }

    @Test
    void shouldWriteTheColumnsAsCopyTextOfTheirJsonInOnePass() {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("quote \" and backslash \\", "tab\there, newline\nthere, cr\r, bell\u0007, \b\f é ✓ 😀");
        columns.put("plain", "The plot was great.");
        columns.put("missing", null);
        StringBuilder json = new StringBuilder();
        CopyText.jsonObject(json, columns, CopyText.JSON);
        StringBuilder expected = new StringBuilder();
        CopyText.text(expected, json);

        StringBuilder onePass = new StringBuilder();
        CopyText.jsonObject(onePass, columns, CopyText.JSON_IN_COPY);

        assertThat(onePass.toString()).isEqualTo(expected.toString());
    }

    @Test
    void shouldWriteUuidsInTheirCanonicalForm() {
        for (UUID id : List.of(UUID.randomUUID(), UUID.fromString("00000000-0000-0000-0000-000000000000"),
                UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), UUID.fromString("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"))) {
            StringBuilder out = new StringBuilder();
            CopyText.uuid(out, id);
            assertThat(out.toString()).isEqualTo(id.toString());
        }
    }

    @Test
    void shouldFormatSharedValuesAgainWhenTheyChangeFromRowToRow() {
        UUID batchA = UUID.randomUUID();
        Instant t = Instant.parse("2026-01-02T03:04:05.678Z");
        SourceRow a = new SourceRow(UUID.randomUUID(), "S3", Map.of("a", "1"), batchA, t, "rest", 1L);
        SourceRow b = new SourceRow(UUID.randomUUID(), "tab\tsource", Map.of("a", "1"), null, t.plusMillis(1), "kafka:t", 2L);
        SourceRow c = new SourceRow(UUID.randomUUID(), "S3", Map.of("a", "1"), batchA, t, "rest", 3L);

        String[] lines = CopyText.rows(List.of(a, b, c), 9L).split("\n");

        assertThat(lines[0]).isEqualTo(a.referenceId() + "\tS3\t{\"a\":\"1\"}\t" + batchA + "\t2026-01-02T03:04:05.678Z\trest\t1\t9");
        assertThat(lines[1]).isEqualTo(b.referenceId() + "\ttab\\tsource\t{\"a\":\"1\"}\t\\N\t2026-01-02T03:04:05.679Z\tkafka:t\t2\t9");
        assertThat(lines[2]).isEqualTo(c.referenceId() + "\tS3\t{\"a\":\"1\"}\t" + batchA + "\t2026-01-02T03:04:05.678Z\trest\t3\t9");
    }
}
