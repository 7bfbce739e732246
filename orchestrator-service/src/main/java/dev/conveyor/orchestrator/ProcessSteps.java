package dev.conveyor.orchestrator;

import java.util.List;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessStep;

/** Process steps as version 2 has them, whatever version wrote them. */
public final class ProcessSteps {

    private ProcessSteps() {
    }

    /**
     * A step written before processes had definitions (no template: a workflow or run command
     * still on the compacted topic) is the short form of its name and column.
     */
    public static ProcessStep current(ProcessStep step) {
        return step.getTemplate() == null ? BuiltInProcesses.shortForm(step.getName(), step.getColumn()) : step;
    }

    public static List<ProcessStep> current(List<ProcessStep> steps) {
        return steps.stream().map(ProcessSteps::current).toList();
    }
}
