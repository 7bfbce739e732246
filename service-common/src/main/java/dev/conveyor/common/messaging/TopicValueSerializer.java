package dev.conveyor.common.messaging;

import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;

/**
 * The channel value serializer of every Conveyor topic: the topic's Avro single-object serde,
 * found in {@link Topics} by the record's topic. Configure it as
 * {@code mp.messaging.outgoing.<channel>.value.serializer}.
 */
public class TopicValueSerializer implements Serializer<Object> {

    private static final Map<String, Serializer<?>> BY_TOPIC = Topics.ALL.stream()
            .collect(Collectors.toUnmodifiableMap(TopicSpec::name, t -> t.valueSerde().serializer()));

    @Override
    @SuppressWarnings("unchecked")
    public byte[] serialize(String topic, Object data) {
        Serializer<Object> serializer = (Serializer<Object>) BY_TOPIC.get(topic);
        if (serializer == null) {
            throw new SerializationException("no schema is known for topic " + topic);
        }
        return serializer.serialize(topic, data);
    }
}
