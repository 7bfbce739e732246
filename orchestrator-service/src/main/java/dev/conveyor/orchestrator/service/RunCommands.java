package dev.conveyor.orchestrator.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.WorkflowDefined;

/**
 * The command that starts a run of a workflow: a snapshot of what the run needs (processes,
 * model, options), so that later edits of the workflow do not change a running run. The Failed-row
 * policy is the run's when its request names one, the workflow's otherwise.
 */
public final class RunCommands {

    private RunCommands() {
    }

    public static RunRequested of(WorkflowDefined workflow, List<ProcessStep> processes, RunOptions options,
            long expectedRows, Instant now) {
        return RunRequested.newBuilder()
                .setRunId(UUID.randomUUID().toString())
                .setWorkflowId(workflow.getWorkflowId())
                .setSourceConnection(workflow.getSourceConnection())
                .setProcesses(processes)
                .setModel(workflow.getModel())
                .setExpectedRows(expectedRows)
                .setRequestedAt(now)
                .setMaxCostUsd(options.budget().maxCostUsd())
                .setMaxTokens(options.budget().maxTokens())
                .setOrdering(options.ordering())
                .setFailedRows(options.failedRowsOr(workflow.getFailedRows()))
                .setContinuous(options.continuous())
                .build();
    }
}
