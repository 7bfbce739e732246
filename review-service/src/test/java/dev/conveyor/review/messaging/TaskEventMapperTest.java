package dev.conveyor.review.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.ResultStatus;
import dev.conveyor.review.TaskEvents;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOrigins;

class TaskEventMapperTest {

    private final TaskEvents task = TaskEvents.task(UUID.randomUUID().toString(), UUID.randomUUID().toString(),
            "sentiment", 0);

    @Test
    void shouldLeaveTasksOtherAggregatesAskedForOutOfTheResultTable() {
        TaskIssued pathTask = TaskIssued.newBuilder(task.issued()).setOrigin(TaskOrigins.PATH).build();

        assertThat(TaskEventMapper.fromWorkflowRun(task.issued())).isTrue();
        assertThat(TaskEventMapper.fromWorkflowRun(pathTask)).isFalse();
    }

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
    void shouldCarryCostCacheHitsAndAttempts() throws Exception {
        TaskFinished event = TaskEvents.metered(task.completed("Positive", task.issuedAt().plusMillis(80)), 120, 9,
                80, 0.0001234567, true, 3);

        ResultEvent.Finished finished = (ResultEvent.Finished) TaskEventMapper.toResultEvent(event);

        assertThat(finished.promptTokens()).isEqualTo(120);
        assertThat(finished.completionTokens()).isEqualTo(9);
        assertThat(finished.costUsd()).as("rounded to the column's 6 decimals").isEqualTo(new BigDecimal("0.000123"));
        assertThat(finished.cached()).isTrue();
        assertThat(finished.attempts()).isEqualTo(3);
    }

    @Test
    void shouldGiveAFreeResultSixDecimalsOfZeroCost() throws Exception {
        ResultEvent.Finished finished = (ResultEvent.Finished) TaskEventMapper
                .toResultEvent(task.completed("Positive", task.issuedAt()));

        assertThat(finished.costUsd()).isEqualTo(new BigDecimal("0.000000"));
        assertThat(finished.cached()).isFalse();
        assertThat(finished.attempts()).as("the schema's default").isEqualTo(1);
    }

    @Test
    void shouldMapASkippedTaskWithItsReasonAndNoResult() throws Exception {
        ResultEvent.Finished finished = (ResultEvent.Finished) TaskEventMapper
                .toResultEvent(task.skipped("run halted: cost budget of 0.01 USD reached", task.issuedAt()));

        assertThat(finished.status()).isEqualTo(ResultStatus.SKIPPED);
        assertThat(finished.error()).isEqualTo("run halted: cost budget of 0.01 USD reached");
        assertThat(finished.result()).isNull();
        assertThat(finished.attempts()).isZero();
    }

    @Test
    void shouldKeepTheRawAnswerOfATaskThatFailedValidation() throws Exception {
        ResultEvent.Finished finished = (ResultEvent.Finished) TaskEventMapper.toResultEvent(
                task.failedWithAnswer("Mostly positive", "answer is not one of Positive, Negative, Neutral",
                        task.issuedAt().plusMillis(900)));

        assertThat(finished.status()).isEqualTo(ResultStatus.FAILED);
        assertThat(finished.result()).isEqualTo("Mostly positive");
        assertThat(finished.error()).isEqualTo("answer is not one of Positive, Negative, Neutral");
    }

    @Test
    void shouldNotKeepAnOutputOnASkippedTaskNorAnErrorOnACompletedOne() throws Exception {
        TaskFinished skipped = TaskFinished.newBuilder(task.skipped("run halted", task.issuedAt()))
                .setOutput("stray").build();
        TaskFinished completed = TaskFinished.newBuilder(task.completed("Positive", task.issuedAt()))
                .setError("stray").build();

        assertThat(((ResultEvent.Finished) TaskEventMapper.toResultEvent(skipped)).result()).isNull();
        assertThat(((ResultEvent.Finished) TaskEventMapper.toResultEvent(completed)).error()).isNull();
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, Double.NaN, Double.POSITIVE_INFINITY, 1e8, 99999999.9999996})
    void shouldRejectACostTheTableCannotHold(double cost) {
        TaskFinished event = TaskEvents.metered(task.completed("Positive", task.issuedAt()), 1, 1, 1, cost, false, 1);

        assertThatThrownBy(() -> TaskEventMapper.toResultEvent(event))
                .isInstanceOf(TaskEventMapper.UnacceptableEvent.class)
                .hasMessageContaining("cost_usd");
    }

    @Test
    void shouldTakeTheLargestCostTheTableHolds() throws Exception {
        assertThat(TaskEventMapper.cost(99999999.999999)).isEqualTo(new BigDecimal("99999999.999999"));
    }

    @Test
    void shouldRejectNegativeCounts() {
        TaskFinished attempts = TaskEvents.metered(task.completed("ok", task.issuedAt()), 1, 1, 1, 0, false, -1);
        TaskFinished tokens = TaskEvents.metered(task.completed("ok", task.issuedAt()), -5, 1, 1, 0, false, 1);

        assertThatThrownBy(() -> TaskEventMapper.toResultEvent(attempts)).hasMessageContaining("attempts");
        assertThatThrownBy(() -> TaskEventMapper.toResultEvent(tokens)).hasMessageContaining("prompt_tokens");
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
