package dev.conveyor.worker.service;

import java.util.List;
import java.util.Map;

import dev.conveyor.schemas.ProcessStep;

/**
 * One call to a model: the conversation so far (a re-ask adds the refused answer and the
 * correction), the sampling parameters, and an optional JSON Schema for a structured answer.
 * {@code origin} is the task's {@link dev.conveyor.schemas.TaskOrigins} value (null for a workflow
 * run's task): the offline model dispatches on it.
 */
public record ModelRequest(String model, String system, List<Turn> turns, Double temperature, Integer maxTokens,
        String jsonSchema, ProcessStep process, Map<String, String> inputs, String origin) {

    /** A message after the system prompt. */
    public record Turn(boolean fromModel, String text) {
    }

    /** A rough prompt size, about four characters a token, used to reserve tokens before the call. */
    public int estimatedPromptTokens() {
        int chars = system.length();
        for (Turn turn : turns) {
            chars += turn.text().length();
        }
        return chars / 4 + 8 * (turns.size() + 1);
    }

    public ModelRequest followUp(String answer, String correction) {
        List<Turn> more = new java.util.ArrayList<>(turns);
        more.add(new Turn(true, answer));
        more.add(new Turn(false, correction));
        return new ModelRequest(model, system, List.copyOf(more), temperature, maxTokens, jsonSchema, process, inputs,
                origin);
    }
}
