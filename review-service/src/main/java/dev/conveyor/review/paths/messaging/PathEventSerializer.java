package dev.conveyor.review.paths.messaging;

import org.apache.kafka.common.serialization.Serializer;

import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.kafka.Topics;

/** The project's single-object Avro encoding for the path-events channel (Kafka needs a no-arg class). */
public class PathEventSerializer implements Serializer<PathEvent> {

    private final Serializer<PathEvent> delegate = Topics.PATH_EVENTS.valueSerde().serializer();

    @Override
    public byte[] serialize(String topic, PathEvent data) {
        return delegate.serialize(topic, data);
    }
}
