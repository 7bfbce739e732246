package dev.conveyor.orchestrator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.ProcessingHandlerResponse;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.kafka.Topics;

class DeadLetterProcessingHandlerTest {

    private record Context(String topic, int partition, long offset, byte[] sourceRawKey, byte[] sourceRawValue)
            implements ErrorHandlerContext {
        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "stage-gate";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, partition);
        }

        @Override
        public long timestamp() {
            return 0;
        }
    }

    private final List<ProducerRecord<byte[], RecordDeadLettered>> sent = new ArrayList<>();

    @Test
    void shouldDeadLetterTheSourceRecordWithTheReasonAndContinue() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler() {
            @Override
            void send(ProducerRecord<byte[], RecordDeadLettered> deadLetter) {
                sent.add(deadLetter);
            }
        };
        byte[] key = "run-1".getBytes(StandardCharsets.UTF_8);
        byte[] value = {1, 2, 3};

        ProcessingHandlerResponse response = handler.handle(new Context("conveyor.llm-results", 4, 17, key, value),
                new Record<>("run-1", "value", 0L), new IllegalStateException("no such stage"));

        assertThat(response).isEqualTo(ProcessingHandlerResponse.CONTINUE);
        assertThat(sent).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo(Topics.DEAD_LETTER.name());
            assertThat(record.key()).isEqualTo(key);
            RecordDeadLettered letter = record.value();
            assertThat(letter.getSourceTopic()).isEqualTo("conveyor.llm-results");
            assertThat(letter.getSourcePartition()).isEqualTo(4);
            assertThat(letter.getSourceOffset()).isEqualTo(17);
            assertThat(letter.getValue().array()).isEqualTo(value);
            assertThat(letter.getService()).isEqualTo("orchestrator-service");
            assertThat(letter.getReason()).contains("stage-gate").contains("no such stage");
        });
    }

    @Test
    void shouldStopTheStreamRatherThanLoseTheRecordWhenTheDeadLetterCannotBeWritten() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler() {
            @Override
            void send(ProducerRecord<byte[], RecordDeadLettered> deadLetter) throws Exception {
                throw new java.util.concurrent.TimeoutException("broker away");
            }
        };

        assertThatThrownBy(() -> handler.handle(new Context("conveyor.llm-results", 0, 1, null, new byte[] {1}),
                new Record<>("k", "v", 0L), new IllegalStateException("boom")))
                .isInstanceOf(StreamsException.class).hasMessageContaining("conveyor.llm-results-0@1");
    }
}
