package dev.conveyor.review.ai;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskOutcome;

/**
 * The worker's outcome of an AI task, as the asking aggregate needs it.
 *
 * @param requestId   the request (the task's referenceId)
 * @param aggregateId the Path or session (the task's runId)
 * @param output      the answer, valid against the request's schema, when {@link #completed()}
 * @param error       why there is no valid answer otherwise
 */
public record AiAnswer(String taskId, String requestId, String aggregateId, String origin, String processName,
        TaskOutcome outcome, String output, String error) {

    public static AiAnswer of(TaskFinished result) {
        return new AiAnswer(result.getTaskId(), result.getReferenceId(), result.getRunId(), result.getOrigin(),
                result.getProcessName(), result.getOutcome(), result.getOutput(), result.getError());
    }

    public boolean completed() {
        return outcome == TaskOutcome.COMPLETED;
    }
}
