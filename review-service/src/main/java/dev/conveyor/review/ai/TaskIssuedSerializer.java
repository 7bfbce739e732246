package dev.conveyor.review.ai;

import org.apache.kafka.common.serialization.Serializer;

import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.Topics;

/** The project's single-object Avro encoding for the ai-tasks channel (Kafka needs a no-arg class). */
public class TaskIssuedSerializer implements Serializer<TaskIssued> {

    private final Serializer<TaskIssued> delegate = Topics.LLM_TASKS.valueSerde().serializer();

    @Override
    public byte[] serialize(String topic, TaskIssued data) {
        return delegate.serialize(topic, data);
    }
}
