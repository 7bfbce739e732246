package dev.conveyor.review.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.ResultStatus;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;

class TaskEventMapperTest {

    private final TaskEvents task = TaskEvents.task(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
            "sentiment", 0);

    @Test
    void shouldMapAnIssuedTaskToAPendingResultKeyedByTaskId() throws Exception {
        ResultEvent event = TaskEventMapper.toResultEvent(task.issued());

        assertThat(event).isInstanceOf(ResultEvent.Issued.class);
        ResultEvent.Issued issued = (ResultEvent.Issued) event;
        assertThat(issued.resultId()).isEqualTo(UUID.fromString(task.taskId()));
        assertThat(issued.workflowId()).isEqualTo(UUID.fromString(task.workflowId()));
        assertThat(issued.runId()).isEqualTo(UUID.fromString(task.runId()));
        assertThat(issued.referenceId()).isEqualTo(UUID.fromString(task.referenceId()));
        assertThat(issued.processName()).isEqualTo("sentiment");
        assertThat(issued.status()).isEqualTo(ResultStatus.PENDING);
        assertThat(issued.issuedAt()).isEqualTo(task.issuedAt());
    }

    @Test
    void shouldMapACompletedTaskWithItsOutputAndUsage() throws Exception {
        Instant finishedAt = task.issuedAt().plusMillis(250);
        ResultEvent.Finished finished = (ResultEvent.Finished) TaskEventMapper
                .toResultEvent(task.completed("Positive", finishedAt));

        assertThat(finished.status()).isEqualTo(ResultStatus.COMPLETED);
        assertThat(finished.result()).isEqualTo("Positive");
        assertThat(finished.error()).isNull();
        assertThat(finished.model()).isEqualTo("gpt-4o-mini");
        assertThat(finished.promptTokens()).isEqualTo(42);
        assertThat(finished.completionTokens()).isEqualTo(7);
        assertThat(finished.latencyMs()).isEqualTo(250);
        assertThat(finished.finishedAt()).isEqualTo(finishedAt);
    }

    @Test
    void shouldMapAFailedTaskWithItsError() throws Exception {
        ResultEvent.Finished finished = (ResultEvent.Finished) TaskEventMapper
                .toResultEvent(task.failed("model timed out", task.issuedAt().plusSeconds(30)));

        assertThat(finished.status()).isEqualTo(ResultStatus.FAILED);
        assertThat(finished.error()).isEqualTo("model timed out");
        assertThat(finished.result()).isNull();
    }

    @Test
    void shouldRejectIdsThatAreNotUuidsNamingTheField() {
        TaskIssued badWorkflow = TaskIssued.newBuilder(task.issued()).setWorkflowId("workflow-1").build();
        TaskFinished badTask = TaskFinished.newBuilder(task.completed("ok", Instant.now())).setTaskId("42").build();

        assertThatThrownBy(() -> TaskEventMapper.toResultEvent(badWorkflow))
                .isInstanceOf(TaskEventMapper.UnacceptableEvent.class)
                .hasMessageContaining("workflow_id").hasMessageContaining("workflow-1");
        assertThatThrownBy(() -> TaskEventMapper.toResultEvent(badTask))
                .isInstanceOf(TaskEventMapper.UnacceptableEvent.class)
                .hasMessageContaining("task_id");
    }

    @Test
    void shouldRejectABlankProcessOrANegativeStage() {
        TaskIssued blank = TaskIssued.newBuilder(task.issued()).setProcessName(" ").build();
        TaskIssued negative = TaskIssued.newBuilder(task.issued()).setStageIndex(-1).build();

        assertThatThrownBy(() -> TaskEventMapper.toResultEvent(blank)).hasMessageContaining("process_name");
        assertThatThrownBy(() -> TaskEventMapper.toResultEvent(negative)).hasMessageContaining("stage_index");
    }
}
