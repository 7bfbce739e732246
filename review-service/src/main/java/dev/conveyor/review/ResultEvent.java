package dev.conveyor.review;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/** A task event as the results table needs it: ids parsed, outcome mapped to a status. */
public sealed interface ResultEvent {

    UUID resultId();

    ResultStatus status();

    /** A task was issued: its result is Pending. */
    record Issued(UUID resultId, UUID workflowId, UUID runId, UUID referenceId, String processName, int stageIndex,
            String model, Instant issuedAt) implements ResultEvent {

        @Override
        public ResultStatus status() {
            return ResultStatus.PENDING;
        }
    }

    /**
     * A task finished: its result is Completed (with the output), Failed (with the error, and the
     * raw answer when validation rejected it) or Skipped (with the reason). {@code costUsd} has
     * the table's scale of 6 decimals.
     */
    record Finished(UUID resultId, UUID workflowId, UUID runId, UUID referenceId, String processName, int stageIndex,
            ResultStatus status, String result, String error, String model, int promptTokens, int completionTokens,
            long latencyMs, BigDecimal costUsd, boolean cached, int attempts, Instant issuedAt, Instant finishedAt)
            implements ResultEvent {

        public Finished {
            if (!status.isTerminal()) {
                throw new IllegalArgumentException("a finished task is Completed, Failed or Skipped, not "
                        + status.label());
            }
            if (costUsd == null) {
                throw new IllegalArgumentException("costUsd is required");
            }
        }
    }
}
