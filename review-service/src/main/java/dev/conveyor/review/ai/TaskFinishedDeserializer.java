package dev.conveyor.review.ai;

import org.apache.kafka.common.serialization.Deserializer;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.kafka.Topics;

/** The project's single-object Avro decoding for the ai-results channel (Kafka needs a no-arg class). */
public class TaskFinishedDeserializer implements Deserializer<TaskFinished> {

    private final Deserializer<TaskFinished> delegate = Topics.LLM_RESULTS.valueSerde().deserializer();

    @Override
    public TaskFinished deserialize(String topic, byte[] data) {
        return delegate.deserialize(topic, data);
    }
}
