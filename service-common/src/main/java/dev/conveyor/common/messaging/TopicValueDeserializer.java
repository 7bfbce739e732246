package dev.conveyor.common.messaging;

import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;

/**
 * The channel value deserializer of every Conveyor topic: picks the topic's Avro single-object
 * serde from {@link Topics} by the record's topic, so one class serves every channel (and a
 * channel that reads several topics). Configure it as
 * {@code mp.messaging.incoming.<channel>.value.deserializer}.
 */
public class TopicValueDeserializer implements Deserializer<Object> {

    private static final Map<String, Deserializer<?>> BY_TOPIC = Topics.ALL.stream()
            .collect(Collectors.toUnmodifiableMap(TopicSpec::name, t -> t.valueSerde().deserializer()));

    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null; // tombstone: the consumer decides what an empty value means
        }
        Deserializer<?> deserializer = BY_TOPIC.get(topic);
        if (deserializer == null) {
            throw new SerializationException("no schema is known for topic " + topic);
        }
        return deserializer.deserialize(topic, data);
    }
}
