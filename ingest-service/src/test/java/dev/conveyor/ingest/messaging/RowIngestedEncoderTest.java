package dev.conveyor.ingest.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.repository.RowOutboxRepository.Entry;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;

class RowIngestedEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Entry entry(Map<String, String> columns, UUID batchId, Instant createdAt) throws Exception {
        return new Entry(7, UUID.randomUUID(), "s3://bucket/reviews", JSON.writeValueAsString(columns), batchId,
                createdAt, null);
    }

    @Test
    void shouldWriteExactlyWhatThePlatformsEncoderWrites() throws Exception {
        Map<String, String> unusual = new LinkedHashMap<>();
        unusual.put("é ✓ 😀", "quote \" backslash \\ newline \n");
        unusual.put("missing", null);
        unusual.put("empty", "");
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            many.put("column_" + i, "value " + "x".repeat(i));
        }
        RowIngestedEncoder encoder = new RowIngestedEncoder();
        for (Entry entry : List.of(
                entry(Map.of("data_column_1", "I love this movie."), UUID.randomUUID(), Instant.parse("2026-11-30T08:00:00.123Z")),
                entry(unusual, null, Instant.EPOCH),
                entry(many, UUID.randomUUID(), Instant.parse("1969-12-31T23:59:59.999Z")),
                entry(Map.of(), null, Instant.parse("2100-01-01T00:00:00Z")))) {
            SourceRow row = entry.row();
            byte[] expected = Topics.SOURCE_ROWS.valueSerde().serializer().serialize("t", RowEvents.toEvent(row));

            byte[] encoded = encoder.encode(entry);

            assertThat(encoded).isEqualTo(expected);
            RowIngested decoded = Topics.SOURCE_ROWS.valueSerde().deserializer().deserialize("t", encoded);
            assertThat(decoded.getColumns()).isEqualTo(row.columns());
            assertThat(decoded.getReferenceId()).isEqualTo(entry.referenceId().toString());
        }
    }

    @Test
    void shouldWriteARowInMemoryExactlyAsThePlatformsEncoderDoes() {
        Map<String, String> unusual = new LinkedHashMap<>();
        unusual.put("é ✓ 😀", "quote \" backslash \\ newline \n");
        unusual.put("missing", null);
        unusual.put("empty", "");
        RowIngestedEncoder encoder = new RowIngestedEncoder();
        for (SourceRow row : List.of(
                new SourceRow(UUID.randomUUID(), "uploads", unusual, UUID.randomUUID(),
                        Instant.parse("2026-11-30T08:00:00.123Z"), "rest", 1L),
                new SourceRow(UUID.randomUUID(), "uploads", Map.of(), null, Instant.parse("1969-12-31T23:59:59.999Z"),
                        "rest", 2L))) {
            byte[] expected = Topics.SOURCE_ROWS.valueSerde().serializer().serialize("t", RowEvents.toEvent(row));

            assertThat(encoder.encode(row)).isEqualTo(expected);
        }
    }

    @Test
    void shouldRefuseStoredColumnsThatAreNotAnObjectOfTexts() {
        RowIngestedEncoder encoder = new RowIngestedEncoder();

        assertThatThrownBy(() -> encoder.encode(new Entry(1, UUID.randomUUID(), "S3", "{\"a\": {\"nested\": 1}}", null,
                Instant.EPOCH, null))).isInstanceOf(RowIngestedEncoder.UnencodableRowException.class);
        assertThatThrownBy(() -> encoder.encode(new Entry(1, UUID.randomUUID(), "S3", "[1]", null, Instant.EPOCH, null)))
                .isInstanceOf(RowIngestedEncoder.UnencodableRowException.class);
    }
}
