package dev.conveyor.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.kafka.Topics;

class TopicValueSerdeTest {

    private final TopicValueSerializer serializer = new TopicValueSerializer();
    private final TopicValueDeserializer deserializer = new TopicValueDeserializer();

    @Test
    void shouldRoundTripAnEventThroughItsTopicsSerde() {
        RunHalted halted = RunHalted.newBuilder().setRunId("run-1").setReason("budget reached")
                .setHaltedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();

        byte[] bytes = serializer.serialize(Topics.RUN_CONTROLS.name(), halted);

        assertThat(bytes).isEqualTo(Topics.RUN_CONTROLS.valueSerde().serializer()
                .serialize(Topics.RUN_CONTROLS.name(), halted));
        assertThat(deserializer.deserialize(Topics.RUN_CONTROLS.name(), bytes)).isEqualTo(halted);
    }

    @Test
    void shouldPassATombstoneOnAsNull() {
        assertThat(deserializer.deserialize(Topics.LLM_TASKS.name(), null)).isNull();
    }

    @Test
    void shouldRefuseBytesThatAreNotTheTopicsEventAndTopicsItDoesNotKnow() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> deserializer.deserialize(Topics.LLM_TASKS.name(), garbage))
                .isInstanceOf(SerializationException.class).hasMessageContaining("TaskIssued");
        assertThatThrownBy(() -> deserializer.deserialize("some.other-topic", garbage))
                .isInstanceOf(SerializationException.class).hasMessageContaining("some.other-topic");
    }
}
