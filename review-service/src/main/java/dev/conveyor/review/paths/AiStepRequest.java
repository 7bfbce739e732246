package dev.conveyor.review.paths;

import java.time.Instant;

/**
 * A request for the AI's next step of a Path.
 *
 * @param forStatus the status the Path was at when asked; an answer to a Path that moved on is refused
 * @param position  the step the answer became, once applied
 */
public record AiStepRequest(String requestId, String taskId, StepType step, PathStatus forStatus, State state,
        String reason, Integer position, Instant requestedAt, Instant finishedAt) {

    public enum State {
        PENDING, APPLIED, FAILED;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    AiStepRequest applied(int at, Instant when) {
        return new AiStepRequest(requestId, taskId, step, forStatus, State.APPLIED, null, at, requestedAt, when);
    }

    AiStepRequest failed(String why, Instant when) {
        return new AiStepRequest(requestId, taskId, step, forStatus, State.FAILED, why, null, requestedAt, when);
    }
}
