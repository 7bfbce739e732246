package dev.conveyor.ingest.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.service.RowBatchParser;

class IntakeRecordsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String TOPIC = "conveyor.source-rows-json";

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value, long offset,
            Map<String, byte[]> headers) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach(h::add);
        return new ConsumerRecord<>(TOPIC, 2, offset, 0L, TimestampType.CREATE_TIME, -1, -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, h, Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value) {
        return record(key, value.getBytes(StandardCharsets.UTF_8), 7, Map.of());
    }

    @Test
    void shouldTurnAJsonLineKeyedBySourceIntoARowOfTheTopic() {
        IntakeRecords.Outcome outcome = IntakeRecords.parse(
                record("S3", "{\"data_column_1\": \"I love this movie.\", \"n\": 1.50}"), NOW, 900_000);

        SourceRow row = outcome.row();
        assertThat(outcome.problem()).isNull();
        assertThat(row.sourceConnection()).isEqualTo("S3");
        assertThat(row.columns()).isEqualTo(Map.of("data_column_1", "I love this movie.", "n", "1.50"));
        assertThat(row.origin()).isEqualTo("kafka:" + TOPIC);
        assertThat(row.createdAt()).isEqualTo(NOW);
    }

    @Test
    void shouldGiveARedeliveredRecordTheSameReferenceIdAndADifferentRecordAnother() {
        UUID first = IntakeRecords.parse(record("S3", "{\"a\": \"1\"}"), NOW, 900_000).row().referenceId();
        UUID again = IntakeRecords.parse(record("S3", "{\"a\": \"1\"}"), NOW.plusSeconds(5), 900_000).row().referenceId();
        UUID next = IntakeRecords.parse(record("S3".toString(), "{\"a\": \"1\"}".getBytes(StandardCharsets.UTF_8), 8,
                Map.of()), NOW, 900_000).row().referenceId();

        assertThat(again).isEqualTo(first);
        assertThat(next).isNotEqualTo(first);
    }

    @Test
    void shouldKeepAReferenceIdHeaderAndTakeTheSourceFromAHeader() {
        String id = UUID.randomUUID().toString();
        IntakeRecords.Outcome outcome = IntakeRecords.parse(record(null, "{\"a\": \"x\"}".getBytes(StandardCharsets.UTF_8),
                3, Map.of("reference_id", id.getBytes(StandardCharsets.UTF_8),
                        "source", "s3://bucket/reviews".getBytes(StandardCharsets.UTF_8))), NOW, 900_000);

        assertThat(outcome.row().referenceId()).hasToString(id);
        assertThat(outcome.row().sourceConnection()).isEqualTo("s3://bucket/reviews");
    }

    @Test
    void shouldSayWhyARecordCannotBeARow() {
        assertThat(IntakeRecords.parse(record(null, "{\"a\": \"x\"}"), NOW, 900_000).problem()).contains("no source");
        assertThat(IntakeRecords.parse(record("has space", "{\"a\": \"x\"}"), NOW, 900_000).problem())
                .contains("does not match");
        assertThat(IntakeRecords.parse(record("S3", "{\"a\": "), NOW, 900_000).problem()).startsWith("malformed JSON");
        assertThat(IntakeRecords.parse(record("S3", "[1, 2]"), NOW, 900_000).problem()).contains("JSON object");
        assertThat(IntakeRecords.parse(record("S3", "{}"), NOW, 900_000).problem()).contains("at least one column");
        assertThat(IntakeRecords.parse(record("S3", "{\"a\": \"" + "x".repeat(2000) + "\"}"), NOW, 1000).problem())
                .contains("Kafka record");
        // PostgreSQL's jsonb refuses U+0000: the row would fail the whole batch's COPY.
        assertThat(IntakeRecords.parse(record("S3", "{\"a\": \"x\", \"b\": \"nul \\u0000 inside\"}"), NOW, 900_000)
                .problem()).isEqualTo("column 'b' holds the NUL character (U+0000), which cannot be stored");
        assertThat(IntakeRecords.parse(record("S3", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1), 1, Map.of()),
                NOW, 900_000).problem()).contains("not valid UTF-8");
        assertThat(IntakeRecords.parse(record("S3", null, 1, Map.of()), NOW, 900_000).problem()).contains("no value");
        assertThat(IntakeRecords.parse(record("S3", "{\"a\": \"x\"}".getBytes(StandardCharsets.UTF_8), 1,
                Map.of("reference_id", "1-1-1-1-1".getBytes(StandardCharsets.UTF_8))), NOW, 900_000).problem())
                .contains("reference_id header is not a UUID");
    }

    @Test
    void shouldReadColumnsTokenByTokenAsTheTreeParseReadsThem() throws Exception {
        ObjectMapper tree = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
        for (String json : List.of(
                "{\"a\": \"x\", \"b\": null, \"c\": true, \"d\": false}",
                "{\"n\": 1.50, \"e\": 1e3, \"i\": -7, \"big\": 123456789012345678901234567890}",
                "{\"nested\": {\"k\": [1, \"two\", null]}, \"list\": [], \"after\": \"y\"}",
                "{\"dup\": \"first\", \"other\": \"o\", \"dup\": \"last\"}",
                "{\"esc\": \"tab\\t quote\\\" \\u00e9 \\ud83d\\ude00\"}")) {
            Map<String, String> streamed = IntakeRecords.streamedColumns(json);

            assertThat(streamed).as(json).isNotNull();
            assertThat(new ArrayList<>(streamed.entrySet())).as(json)
                    .isEqualTo(new ArrayList<>(RowBatchParser.columnsOf(tree.readTree(json)).entrySet()));
        }
    }

    @Test
    void shouldLeaveAnythingButAGoodObjectToTheTreeParseForItsReason() {
        for (String json : List.of("{}", "[1]", "\"text\"", "{\"a\": 1} {\"b\": 2}", "{\"a\": ", "{\" \": \"blank name\"}", "")) {
            assertThat(IntakeRecords.streamedColumns(json)).as(json).isNull();
        }
        assertThat(IntakeRecords.parse(record("S3", "{\"a\": 1} {\"b\": 2}"), NOW, 900_000).problem())
                .startsWith("malformed JSON").contains("Trailing token");
        assertThat(IntakeRecords.parse(record("S3", "{\" \": \"x\"}"), NOW, 900_000).problem()).contains("blank");
    }
}
