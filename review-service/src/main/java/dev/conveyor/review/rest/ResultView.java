package dev.conveyor.review.rest;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import dev.conveyor.review.repository.ResultEntity;

/** A result as the API shows it (snake_case on the wire); status is its label, cost_usd has 6 decimals. */
public record ResultView(UUID resultId, UUID workflowId, UUID runId, UUID referenceId, String processName,
        int stageIndex, String result, String status, String error, String model, Integer promptTokens,
        Integer completionTokens, Long latencyMs, BigDecimal costUsd, boolean cached, int attempts, Instant issuedAt,
        Instant completedAt, Instant createdAt) {

    public static ResultView of(ResultEntity e) {
        return new ResultView(e.getResultId(), e.getWorkflowId(), e.getRunId(), e.getReferenceId(),
                e.getProcessName(), e.getStageIndex(), e.getResult(), e.getStatus().label(), e.getError(),
                e.getModel(), e.getPromptTokens(), e.getCompletionTokens(), e.getLatencyMs(), e.getCostUsd(),
                e.isCached(), e.getAttempts(), e.getIssuedAt(), e.getCompletedAt(), e.getCreatedAt());
    }
}
