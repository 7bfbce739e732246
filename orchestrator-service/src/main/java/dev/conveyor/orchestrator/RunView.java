package dev.conveyor.orchestrator;

import java.time.Instant;

import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;

/**
 * A run as the API shows it. {@code status} is REQUESTED until the orchestrator has taken the
 * command. Spend is what the run's results reported (cost in USD, prompt + completion tokens);
 * the limits are null when the run has no budget.
 */
public record RunView(String runId, String workflowId, String sourceConnection, String status, long expectedRows,
        long memberCount, int stageIndex, String currentProcess, long stageCompleted, long stageFailed,
        long stageSkipped, long totalCompleted, long totalFailed, long totalSkipped, double spentCostUsd,
        long spentTokens, Double maxCostUsd, Long maxTokens, Instant requestedAt, Instant startedAt,
        Instant completedAt) {

    public static RunView requested(RunRequested command) {
        return new RunView(command.getRunId(), command.getWorkflowId(), command.getSourceConnection(), "REQUESTED",
                command.getExpectedRows(), 0, 0, command.getProcesses().get(0).getName(), 0, 0, 0, 0, 0, 0, 0.0, 0,
                command.getMaxCostUsd(), command.getMaxTokens(), command.getRequestedAt(), null, null);
    }

    public static RunView of(RunProgress run) {
        return new RunView(run.getRunId(), run.getWorkflowId(), run.getSourceConnection(), run.getStatus().name(),
                run.getExpectedRows(), run.getMemberCount(), run.getStageIndex(),
                run.getProcesses().isEmpty() ? null : run.getProcesses().get(run.getStageIndex()).getName(),
                run.getStageCompleted(), run.getStageFailed(), run.getStageSkipped(), run.getTotalCompleted(),
                run.getTotalFailed(), run.getTotalSkipped(), run.getSpentCostUsd(), run.getSpentTokens(),
                run.getMaxCostUsd(), run.getMaxTokens(), run.getRequestedAt(), run.getStartedAt(),
                run.getCompletedAt());
    }
}
