package dev.conveyor.review;

import java.util.UUID;

/** Which results of a workflow to list; a null criterion does not filter. */
public record ResultFilter(UUID workflowId, String processName, ResultStatus status, UUID runId) {

    public ResultFilter {
        if (workflowId == null) {
            throw new IllegalArgumentException("workflowId is required");
        }
    }
}
