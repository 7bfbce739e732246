package dev.conveyor.ingest.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.schemas.RowIngested;

class RowEventsTest {

    private static RowIngested.Builder valid() {
        return RowIngested.newBuilder()
                .setReferenceId(UUID.randomUUID().toString())
                .setSourceConnection("S3")
                .setColumns(Map.of("data_column_1", "I love this movie."))
                .setIngestedAt(Instant.parse("2024-05-01T10:15:30.123Z"));
    }

    @Test
    void shouldAcceptAWellFormedRow() {
        assertThat(RowEvents.problemWith(valid().build())).isNull();
        assertThat(RowEvents.problemWith(valid().setBatchId(UUID.randomUUID().toString()).build())).isNull();
    }

    @Test
    void shouldRejectAReferenceIdThatIsNotAUuid() {
        assertThat(RowEvents.problemWith(valid().setReferenceId("1111-aaaa-bbbb-0001").build()))
                .contains("referenceId is not a UUID").contains("1111-aaaa-bbbb-0001");
        // Parses with UUID.fromString, yet is no UUID anyone would write.
        assertThat(RowEvents.problemWith(valid().setReferenceId("1-1-1-1-1").build())).contains("referenceId");
    }

    @Test
    void shouldRejectABlankOrInvalidSource() {
        assertThat(RowEvents.problemWith(valid().setSourceConnection("  ").build())).contains("sourceConnection is blank");
        assertThat(RowEvents.problemWith(valid().setSourceConnection("has space").build()))
                .contains("sourceConnection").contains("does not match");
    }

    @Test
    void shouldRejectEmptyColumnsAndBlankColumnNames() {
        assertThat(RowEvents.problemWith(valid().setColumns(Map.of()).build())).contains("columns are empty");
        assertThat(RowEvents.problemWith(valid().setColumns(Map.of(" ", "x")).build())).contains("blank column name");
        assertThat(RowEvents.problemWith(valid().setColumns(Map.of("a", "x\u0000y")).build()))
                .contains("column 'a' holds the NUL character");
    }

    @Test
    void shouldRejectABatchIdThatIsNotAUuid() {
        assertThat(RowEvents.problemWith(valid().setBatchId("batch-7").build())).contains("batchId");
    }

    @Test
    void shouldMapRowsToEventsAndBackKeepingNullValues() {
        Map<String, String> columns = new HashMap<>();
        columns.put("data_column_1", "This is boring.");
        columns.put("data_column_2", null);
        SourceRow row = new SourceRow(UUID.randomUUID(), "S3", columns, UUID.randomUUID(),
                Instant.parse("2024-05-01T10:15:30.123Z"), "kafka:conveyor.source-rows", null);

        RowIngested event = RowEvents.toEvent(row);

        assertThat(event.getReferenceId()).isEqualTo(row.referenceId().toString());
        assertThat(event.getBatchId()).isEqualTo(row.batchId().toString());
        assertThat(event.getIngestedAt()).isEqualTo(row.createdAt());
        assertThat(RowEvents.toRow(event, "kafka:conveyor.source-rows")).isEqualTo(row);
    }
}
