package dev.conveyor.review.sessions.messaging;

import org.apache.kafka.common.serialization.Serializer;

import dev.conveyor.schemas.ReviewSessionEventAppended;
import dev.conveyor.schemas.kafka.Topics;

/** The topic's single-object Avro serde, in the no-argument form the Kafka connector instantiates. */
public class SessionEventSerializer implements Serializer<ReviewSessionEventAppended> {

    @Override
    public byte[] serialize(String topic, ReviewSessionEventAppended data) {
        return Topics.REVIEW_SESSION_EVENTS.valueSerde().serializer().serialize(topic, data);
    }
}
