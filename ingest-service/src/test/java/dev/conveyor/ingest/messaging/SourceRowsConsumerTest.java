package dev.conveyor.ingest.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class SourceRowsConsumerTest {

    @Test
    void shouldSkipOnlyRecordsOurRelayMarkedAsStored() {
        ConsumerRecord<byte[], byte[]> ours = record();
        ours.headers().add(RowPublisher.HEADER_STORED, RowPublisher.STORED_BY.getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> someoneElses = record();
        someoneElses.headers().add(RowPublisher.HEADER_STORED, "other-service".getBytes(StandardCharsets.UTF_8));

        assertThat(SourceRowsConsumer.storedByUs(ours)).isTrue();
        assertThat(SourceRowsConsumer.storedByUs(record())).isFalse();
        assertThat(SourceRowsConsumer.storedByUs(someoneElses)).isFalse();
    }

    private static ConsumerRecord<byte[], byte[]> record() {
        return new ConsumerRecord<>("conveyor.source-rows", 0, 0L, new byte[0], new byte[0]);
    }
}
