package dev.conveyor.ingest.messaging;

import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.conveyor.ingest.SourceRow;

/** A poll, checked: the rows to store, and the records that go to the dead-letter topic with their reasons. */
public record PolledRows(List<SourceRow> rows, List<Rejected> rejected) {

    public record Rejected(ConsumerRecord<byte[], byte[]> record, String reason) {
    }
}
