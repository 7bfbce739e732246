package dev.conveyor.common.kafka;

import java.time.Instant;
import java.nio.ByteBuffer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.kafka.Topics;

/** Builds dead-letter records that keep the original bytes and say why they were given up on. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** The dead letter of a record, from its coordinates and raw bytes. */
    public static RecordDeadLettered event(String topic, int partition, long offset, byte[] key, byte[] value,
            String reason, String service) {
        return RecordDeadLettered.newBuilder()
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setReason(reason)
                .setService(service)
                .setDeadLetteredAt(Instant.now())
                .build();
    }

    /** The dead letter of a consumed record, keyed by the record's own key, bound for the dead-letter topic. */
    public static ProducerRecord<byte[], RecordDeadLettered> of(ConsumerRecord<byte[], byte[]> failed, String reason,
            String service) {
        RecordDeadLettered event = event(failed.topic(), failed.partition(), failed.offset(), failed.key(),
                failed.value(), reason, service);
        return new ProducerRecord<>(Topics.DEAD_LETTER.name(), failed.key(), event);
    }
}
