package dev.conveyor.schemas;

import java.util.List;
import java.util.Locale;

/**
 * What the seed's short form ({@code {"sentiment": "data_column_1"}}) means: a full process
 * definition for each well-known name, and a generic one for any other. The orchestrator
 * expands the short form when a workflow is created; a worker uses the same expansion for a
 * task written before tasks carried their definition.
 */
public final class BuiltInProcesses {

    public static final List<ProcessLabel> SENTIMENT_LABELS = List.of(
            new ProcessLabel("Positive", "the text expresses approval, pleasure or praise"),
            new ProcessLabel("Negative", "the text expresses disapproval, displeasure or criticism"),
            new ProcessLabel("Neutral", "the text expresses neither, or both equally"));

    private BuiltInProcesses() {
    }

    /** The definition of {@code name} reading {@code column}. */
    public static ProcessStep shortForm(String name, String column) {
        String placeholder = "{{" + column + "}}";
        ProcessStep.Builder step = ProcessStep.newBuilder()
                .setName(name)
                .setColumn(column)
                .setColumns(List.of(column))
                .setLabels(List.of());
        switch (name.toLowerCase(Locale.ROOT)) {
            case "sentiment" -> step.setType(ProcessType.CLASSIFY)
                    .setTemplate("Classify the sentiment of " + placeholder + ".")
                    .setLabels(SENTIMENT_LABELS)
                    .setTemperature(0.0)
                    .setMaxTokens(5);
            case "summarization", "summary", "summarize" -> step.setType(ProcessType.GENERATE)
                    .setTemplate("Summarize " + placeholder + " in one short sentence.")
                    .setMaxTokens(200);
            default -> step.setType(ProcessType.GENERATE)
                    .setTemplate("Perform the process '" + name + "' on " + placeholder + ".");
        }
        return step.build();
    }

    /** The task's own definition, or the short-form one for a task that carries none. */
    public static ProcessStep of(TaskIssued task) {
        if (task.getProcess() != null) {
            return task.getProcess();
        }
        String column = task.getInputs().keySet().stream().sorted().findFirst().orElse("text");
        return shortForm(task.getProcessName(), column);
    }
}
