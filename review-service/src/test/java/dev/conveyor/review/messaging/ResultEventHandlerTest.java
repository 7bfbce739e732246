package dev.conveyor.review.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import dev.conveyor.common.kafka.ConsumerLoop;
import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.review.service.ResultRecorder;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.Topics;

class ResultEventHandlerTest {

    /** Stands in for the database: records what it was asked to apply, or fails like a database that is down. */
    static final class RecordingRecorder extends ResultRecorder {
        final List<List<ResultEvent>> batches = new ArrayList<>();
        RuntimeException failure;

        RecordingRecorder() {
            super(null);
        }

        @Override
        public Applied apply(List<ResultEvent> events) {
            if (failure != null) {
                throw failure;
            }
            batches.add(List.copyOf(events));
            return new Applied(events.size(), 0, 0);
        }
    }

    private final RecordingRecorder recorder = new RecordingRecorder();
    private final ResultEventHandler handler = new ResultEventHandler(recorder);
    private final String workflowId = UUID.randomUUID().toString();
    private final String runId = UUID.randomUUID().toString();
    private long offset;

    @Test
    void shouldRejectTheBadRecordAndApplyTheRestOfTheBatchTogether() throws Exception {
        TaskEvents first = TaskEvents.task(workflowId, runId, "sentiment", 0);
        TaskEvents second = TaskEvents.task(workflowId, runId, "sentiment", 0);
        TaskIssued bad = TaskIssued.newBuilder(first.issued()).setRunId("run-7").build();
        var badIncoming = incoming(Topics.LLM_TASKS.name(), bad);

        List<ConsumerLoop.Rejected> rejected = handler.handle(List.of(
                incoming(Topics.LLM_TASKS.name(), first.issued()),
                badIncoming,
                incoming(Topics.LLM_RESULTS.name(), second.completed("Negative", second.issuedAt().plusMillis(5)))));

        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.raw()).isSameAs(badIncoming.raw());
            assertThat(r.reason()).contains("run_id").contains("run-7");
        });
        assertThat(recorder.batches).singleElement().satisfies(batch -> assertThat(batch)
                .extracting(e -> e.resultId().toString())
                .containsExactly(first.taskId(), second.taskId()));
    }

    @Test
    void shouldNotCallTheDatabaseWhenEveryRecordIsRejected() throws Exception {
        TaskIssued bad = TaskIssued.newBuilder(TaskEvents.task(workflowId, runId, "sentiment", 0).issued())
                .setTaskId("x").build();

        assertThat(handler.handle(List.of(incoming(Topics.LLM_TASKS.name(), bad)))).hasSize(1);
        assertThat(recorder.batches).isEmpty();
    }

    @Test
    void shouldLetADatabaseFailureThroughSoTheLoopRetriesTheBatch() {
        recorder.failure = new IllegalStateException("connection refused");
        var batch = List.of(incoming(Topics.LLM_TASKS.name(),
                TaskEvents.task(workflowId, runId, "sentiment", 0).issued()));

        assertThatThrownBy(() -> handler.handle(batch)).hasMessage("connection refused");
    }

    private ConsumerLoop.Incoming<SpecificRecordBase> incoming(String topic, SpecificRecordBase value) {
        ConsumerRecord<byte[], byte[]> raw = new ConsumerRecord<>(topic, 0, offset++, new byte[0], new byte[0]);
        return new ConsumerLoop.Incoming<>(raw, null, value);
    }
}
