package dev.conveyor.orchestrator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.WorkflowDefined;

/**
 * A workflow as the API shows it: processes as an ordered object of name → full definition, in run
 * order; {@code failedRows} ({@code skip} or {@code run_anyway}) is what its runs' later processes do
 * with a row whose process Failed, unless a run says otherwise.
 */
public record WorkflowView(String workflowId, String workflowName, String sourceConnection,
        Map<String, ProcessDefinition> processes, String model, Instant createdAt, String failedRows) {

    public static WorkflowView of(WorkflowDefined workflow) {
        Map<String, ProcessDefinition> processes = new LinkedHashMap<>();
        for (ProcessStep step : workflow.getProcesses()) {
            processes.put(step.getName(), ProcessDefinition.of(step));
        }
        return new WorkflowView(workflow.getWorkflowId(), workflow.getWorkflowName(), workflow.getSourceConnection(),
                processes, workflow.getModel(), workflow.getCreatedAt(),
                workflow.getFailedRows().name().toLowerCase(java.util.Locale.ROOT));
    }
}
