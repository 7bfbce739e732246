package dev.conveyor.review;

import java.util.List;
import java.util.UUID;

/** The results of a workflow (or of one of its runs) counted per process, in stage order. */
public record WorkflowProgress(UUID workflowId, long total, List<ProcessProgress> processes) {

    public WorkflowProgress {
        processes = List.copyOf(processes);
    }
}
