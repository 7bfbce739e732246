package dev.conveyor.review;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.TaskIds;

/** Task events as the orchestrator and the worker write them, for one task. */
public record TaskEvents(String workflowId, String runId, String referenceId, String processName, int stageIndex,
        Instant issuedAt) {

    /** Avro keeps milliseconds; events built here compare equal to what comes back. */
    public static Instant nowMillis() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public static TaskEvents task(String workflowId, String runId, String processName, int stageIndex) {
        return new TaskEvents(workflowId, runId, UUID.randomUUID().toString(), processName, stageIndex, nowMillis());
    }

    public String taskId() {
        return TaskIds.taskId(runId, processName, referenceId);
    }

    public TaskEvents issuedAt(Instant at) {
        return new TaskEvents(workflowId, runId, referenceId, processName, stageIndex, at);
    }

    public TaskIssued issued() {
        return TaskIssued.newBuilder()
                .setTaskId(taskId())
                .setRunId(runId)
                .setWorkflowId(workflowId)
                .setReferenceId(referenceId)
                .setSourceConnection("S3")
                .setProcessName(processName)
                .setStageIndex(stageIndex)
                .setInputs(Map.of("data_column_1", "I love this movie."))
                .setModel("gpt-4")
                .setIssuedAt(issuedAt)
                .build();
    }

    public TaskFinished completed(String output, Instant finishedAt) {
        return finished(TaskOutcome.COMPLETED, output, null, finishedAt);
    }

    public TaskFinished failed(String error, Instant finishedAt) {
        return finished(TaskOutcome.FAILED, null, error, finishedAt);
    }

    /** Failed on validation: the worker keeps the answer it rejected. */
    public TaskFinished failedWithAnswer(String rawAnswer, String error, Instant finishedAt) {
        return finished(TaskOutcome.FAILED, rawAnswer, error, finishedAt);
    }

    /** Never run: the run was halted. No tokens, no cost, no call. */
    public TaskFinished skipped(String reason, Instant finishedAt) {
        return TaskFinished.newBuilder(finished(TaskOutcome.SKIPPED, null, reason, finishedAt))
                .setLatencyMs(0).setPromptTokens(0).setCompletionTokens(0).setAttempts(0).build();
    }

    /** The event with this metering, as the worker measured it. */
    public static TaskFinished metered(TaskFinished event, int promptTokens, int completionTokens, long latencyMs,
            double costUsd, boolean cached, int attempts) {
        return TaskFinished.newBuilder(event).setPromptTokens(promptTokens).setCompletionTokens(completionTokens)
                .setLatencyMs(latencyMs).setCostUsd(costUsd).setCached(cached).setAttempts(attempts).build();
    }

    private TaskFinished finished(TaskOutcome outcome, String output, String error, Instant finishedAt) {
        return TaskFinished.newBuilder()
                .setTaskId(taskId())
                .setRunId(runId)
                .setWorkflowId(workflowId)
                .setReferenceId(referenceId)
                .setSourceConnection("S3")
                .setProcessName(processName)
                .setStageIndex(stageIndex)
                .setOutcome(outcome)
                .setOutput(output)
                .setError(error)
                .setModel("gpt-4o-mini")
                .setIssuedAt(issuedAt)
                .setFinishedAt(finishedAt)
                .setLatencyMs(finishedAt.toEpochMilli() - issuedAt.toEpochMilli())
                .setPromptTokens(42)
                .setCompletionTokens(7)
                .build();
    }
}
