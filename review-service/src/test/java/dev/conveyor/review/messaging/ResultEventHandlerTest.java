package dev.conveyor.review.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.review.service.ResultRecorder;
import dev.conveyor.schemas.TaskIssued;

class ResultEventHandlerTest {

    /**
     * Stands in for the database: records what it applied; refuses any batch holding an event the
     * test marks as poison (as PostgreSQL refuses a whole statement batch), or is away a number of times.
     */
    static final class RecordingRecorder extends ResultRecorder {
        final List<List<ResultEvent>> applied = new ArrayList<>();
        Predicate<ResultEvent> poison = e -> false;
        int awayFor;
        int calls;

        RecordingRecorder() {
            super(null);
        }

        @Override
        public Applied apply(List<ResultEvent> events) {
            calls++;
            if (awayFor > 0) {
                awayFor--;
                throw new IllegalStateException("could not open connection",
                        new SQLException("Connection refused", "08001"));
            }
            if (events.stream().anyMatch(poison)) {
                throw new IllegalStateException("batch failed",
                        new SQLException("ERROR: value too long for type character varying(5)", "22001"));
            }
            applied.add(List.copyOf(events));
            return new Applied(events.size(), 0);
        }
    }

    private final RecordingRecorder recorder = new RecordingRecorder();
    private final ResultEventHandler handler = new ResultEventHandler(recorder, Duration.ofMillis(1),
            Duration.ofMillis(4), 3);
    private final String workflowId = UUID.randomUUID().toString();
    private final String runId = UUID.randomUUID().toString();

    @Test
    void shouldRejectTheBadRecordAndApplyTheRestOfTheBatchTogether() {
        TaskEvents first = TaskEvents.task(workflowId, runId, "sentiment", 0);
        TaskEvents second = TaskEvents.task(workflowId, runId, "sentiment", 0);
        TaskIssued bad = TaskIssued.newBuilder(first.issued()).setRunId("run-7").build();

        List<ResultEventHandler.Rejected> rejected = handler.handle(List.of(
                received(first.issued()),
                received(bad),
                received(second.completed("Negative", second.issuedAt().plusMillis(5)))));

        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(1);
            assertThat(r.reason()).contains("run_id").contains("run-7");
        });
        assertThat(recorder.applied).singleElement().satisfies(batch -> assertThat(batch)
                .extracting(e -> e.resultId().toString())
                .containsExactly(first.taskId(), second.taskId()));
    }

    @Test
    void shouldRejectWhatTheDeserializerCouldNotReadAndTombstones() {
        List<ResultEventHandler.Rejected> rejected = handler.handle(List.of(
                new ResultEventHandler.Received(null, "Not a readable TaskIssued"),
                new ResultEventHandler.Received(null, null)));

        assertThat(rejected).extracting(ResultEventHandler.Rejected::reason)
                .containsExactly("undecodable record: Not a readable TaskIssued",
                        "empty value (tombstone) on a topic that does not take tombstones");
        assertThat(recorder.calls).isZero();
    }

    @Test
    void shouldFindThePoisonRecordAfterBoundedTriesAndApplyEveryOtherRecord() {
        List<TaskEvents> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(TaskEvents.task(workflowId, runId, "sentiment", 0));
        }
        UUID poisonId = UUID.fromString(tasks.get(5).taskId());
        recorder.poison = e -> e.resultId().equals(poisonId);

        List<ResultEventHandler.Rejected> rejected = handler.handle(tasks.stream().map(t -> received(t.issued()))
                .toList());

        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.index()).isEqualTo(5);
            assertThat(r.reason()).isEqualTo("the database refused the record: "
                    + "ERROR: value too long for type character varying(5)");
        });
        assertThat(recorder.applied.stream().flatMap(List::stream).map(e -> e.resultId().toString()))
                .containsExactlyInAnyOrderElementsOf(tasks.stream().map(TaskEvents::taskId)
                        .filter(id -> !id.equals(poisonId.toString())).toList());
    }

    @Test
    void shouldWaitForADatabaseThatIsAwayInsteadOfDeadLetteringTheBatch() {
        recorder.awayFor = 5; // more than the tries a refused batch gets
        TaskEvents task = TaskEvents.task(workflowId, runId, "sentiment", 0);

        List<ResultEventHandler.Rejected> rejected = handler.handle(List.of(received(task.issued())));

        assertThat(rejected).isEmpty();
        assertThat(recorder.calls).isEqualTo(6);
        assertThat(recorder.applied).hasSize(1);
    }

    @Test
    void shouldDoubleTheBackOffUpToItsCap() {
        assertThat(handler.backoff(0)).isEqualTo(Duration.ofMillis(1));
        assertThat(handler.backoff(1)).isEqualTo(Duration.ofMillis(2));
        assertThat(handler.backoff(2)).isEqualTo(Duration.ofMillis(4));
        assertThat(handler.backoff(30)).isEqualTo(Duration.ofMillis(4));
    }

    private static ResultEventHandler.Received received(Object value) {
        return new ResultEventHandler.Received(value, null);
    }
}
