package dev.conveyor.review;

import java.math.BigDecimal;

/** What one process of a run has done and cost: its results counted by outcome, with their metering summed. */
public record ProcessTotals(String processName, int stageIndex, long tasks, long completed, long failed, long skipped,
        long promptTokens, long completionTokens, BigDecimal costUsd, long cacheHits) {
}
