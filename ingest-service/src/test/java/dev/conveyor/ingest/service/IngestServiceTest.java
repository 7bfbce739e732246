package dev.conveyor.ingest.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.SourceRow;

class IngestServiceTest {

    private static SourceRow row(Map<String, String> columns) {
        return new SourceRow(UUID.randomUUID(), "S3", columns, null, Instant.EPOCH, "rest", null);
    }

    @Test
    void shouldCountTheRowsHavingEachColumnNullValuesIncluded() {
        Map<String, String> withNull = new HashMap<>();
        withNull.put("data_column_1", "This is boring.");
        withNull.put("data_column_2", null);

        Map<String, Long> counts = IngestService.columnCounts(List.of(
                row(Map.of("data_column_1", "I love this movie.", "data_column_2", "The plot was great.")),
                row(withNull),
                row(Map.of("data_column_1", "Amazing performance!", "extra", "x"))));

        assertThat(counts).containsExactly(Map.entry("data_column_1", 3L), Map.entry("data_column_2", 2L),
                Map.entry("extra", 1L));
    }
}
