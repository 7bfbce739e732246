package dev.conveyor.ingest.messaging;

import org.apache.kafka.common.serialization.Serializer;

import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.kafka.Topics;

/** {@link RecordDeadLettered} in the platform's single-object encoding, for the Kafka connector's configuration. */
public class RecordDeadLetteredSerializer implements Serializer<RecordDeadLettered> {

    private final Serializer<RecordDeadLettered> delegate = Topics.DEAD_LETTER.valueSerde().serializer();

    @Override
    public byte[] serialize(String topic, RecordDeadLettered data) {
        return delegate.serialize(topic, data);
    }
}
