package dev.conveyor.ingest.messaging;

import org.apache.kafka.common.serialization.Serializer;

import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;

/** {@link RowIngested} in the platform's single-object encoding, for the Kafka connector's configuration. */
public class RowIngestedSerializer implements Serializer<RowIngested> {

    private final Serializer<RowIngested> delegate = Topics.SOURCE_ROWS.valueSerde().serializer();

    @Override
    public byte[] serialize(String topic, RowIngested data) {
        return delegate.serialize(topic, data);
    }
}
