package dev.conveyor.review;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a run has done and cost so far, from its results. Tokens, cost and attempts are summed
 * over every result (a Failed task still paid for its calls); the latency percentiles (in ms) are
 * over Completed results the model actually answered (cache hits excluded), null when there are
 * none yet. {@code byProcess} is in stage order.
 */
public record RunTotals(UUID runId, UUID workflowId, long tasks, long pending, long completed, long failed,
        long skipped, long promptTokens, long completionTokens, long totalTokens, BigDecimal costUsd, long cacheHits,
        long attempts, Double latencyMsP50, Double latencyMsP99, Instant firstIssuedAt, Instant lastCompletedAt,
        List<ProcessTotals> byProcess) {

    public RunTotals {
        byProcess = List.copyOf(byProcess);
    }
}
