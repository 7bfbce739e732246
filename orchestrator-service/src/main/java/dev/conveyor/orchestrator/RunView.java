package dev.conveyor.orchestrator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.conveyor.orchestrator.streams.RunTotals;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.RunStatus;
import dev.conveyor.schemas.StageCounts;

/**
 * A run as the API shows it. {@code status} is REQUESTED until the orchestrator has taken the
 * command. Spend is what the run's results reported (cost in USD, prompt + completion tokens);
 * the limits are null when the run has no budget. {@code processes} is the live progress of each
 * process: pending (not yet issued), in flight, completed, failed, skipped, spend, throughput
 * (results a second since the process started) and the estimated seconds left at that pace.
 */
public record RunView(String runId, String workflowId, String sourceConnection, String status, String ordering,
        boolean continuous,
        String failedRows, long expectedRows, long memberCount, int stageIndex, String currentProcess,
        long stageCompleted, long stageFailed, long stageSkipped, long totalCompleted, long totalFailed,
        long totalSkipped, double spentCostUsd, long spentTokens, Double maxCostUsd, Long maxTokens,
        String stopReason, Instant requestedAt, Instant startedAt, Instant completedAt,
        List<ProcessProgress> processes) {

    /** One process of a run. {@code etaSeconds} is null while nothing is known of its pace. */
    public record ProcessProgress(String processName, long pending, long inFlight, long completed, long failed,
            long skipped, long tokens, double costUsd, double throughputPerSecond, Double etaSeconds) {
    }

    public static RunView requested(RunRequested command) {
        List<ProcessProgress> processes = command.getProcesses().stream()
                .map(p -> new ProcessProgress(p.getName(), command.getExpectedRows(), 0, 0, 0, 0, 0, 0.0, 0.0, null))
                .toList();
        return new RunView(command.getRunId(), command.getWorkflowId(), command.getSourceConnection(), "REQUESTED",
                command.getOrdering().name(), command.getContinuous(), command.getFailedRows().name(), command.getExpectedRows(), 0, 0,
                command.getProcesses().get(0).getName(), 0, 0, 0, 0, 0, 0, 0.0, 0, command.getMaxCostUsd(),
                command.getMaxTokens(), null, command.getRequestedAt(), null, null, processes);
    }

    public static RunView of(RunProgress run, RunTotals totals, Instant now) {
        List<ProcessProgress> processes = new ArrayList<>();
        long completed = 0;
        long failed = 0;
        long skipped = 0;
        for (int i = 0; i < run.getProcesses().size(); i++) {
            StageCounts c = totals.stages().get(i);
            completed += c.getCompleted();
            failed += c.getFailed();
            skipped += c.getSkipped();
            processes.add(progress(run, totals, i, now));
        }
        StageCounts current = run.getProcesses().isEmpty() ? new StageCounts(0L, 0L, 0L, 0L, 0.0, 0L)
                : totals.stages().get(run.getStageIndex());
        return new RunView(run.getRunId(), run.getWorkflowId(), run.getSourceConnection(), run.getStatus().name(),
                run.getOrdering().name(), run.getContinuous(), run.getFailedRows().name(), run.getExpectedRows(),
                Math.max(run.getMemberCount(), totals.members()), run.getStageIndex(),
                run.getProcesses().isEmpty() ? null : run.getProcesses().get(run.getStageIndex()).getName(),
                current.getCompleted(), current.getFailed(), current.getSkipped(), completed, failed, skipped,
                totals.costUsd(), totals.tokens(), run.getMaxCostUsd(), run.getMaxTokens(), run.getStopReason(),
                run.getRequestedAt(), run.getStartedAt(), run.getCompletedAt(), processes);
    }

    private static ProcessProgress progress(RunProgress run, RunTotals totals, int stage, Instant now) {
        StageCounts c = totals.stages().get(stage);
        long done = c.getCompleted() + c.getFailed() + c.getSkipped();
        long inFlight = Math.max(0, c.getIssued() - done);
        long pending = Math.max(0, totals.members() - c.getIssued());
        // STAGED: a process runs from its stage's start; PER_ROW: all of them from the run's start.
        Instant from = run.getOrdering().name().equals("STAGED") && stage == run.getStageIndex()
                && run.getStageStartedAt() != null ? run.getStageStartedAt() : run.getStartedAt();
        Instant to = run.getStatus() == RunStatus.RUNNING ? now
                : totals.lastResultAt() != null ? totals.lastResultAt() : now;
        double seconds = from == null ? 0 : Math.max(0.001, Duration.between(from, to).toMillis() / 1000.0);
        double throughput = seconds == 0 || done == 0 ? 0.0 : done / seconds;
        long remaining = pending + inFlight;
        Double eta = remaining == 0 ? Double.valueOf(0.0) : throughput > 0 ? remaining / throughput : null;
        return new ProcessProgress(run.getProcesses().get(stage).getName(), pending, inFlight, c.getCompleted(),
                c.getFailed(), c.getSkipped(), c.getTokens(), c.getCostUsd(), round(throughput),
                eta == null ? null : round(eta));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
