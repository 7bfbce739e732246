package dev.conveyor.orchestrator;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.schemas.ProcessLabel;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;

/**
 * A process as the API shows it, in the shape {@code POST /workflows} accepts, so that a
 * definition read back can be sent again. Fields that do not apply (labels outside classify,
 * the schema outside extract) and unset options are left out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProcessDefinition(String kind, String template, String systemPrompt, List<Label> labels,
        JsonNode jsonSchema, Double temperature, Integer maxTokens, String model) {

    private static final ObjectMapper JSON = new ObjectMapper();

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Label(String name, String description) {
    }

    public static ProcessDefinition of(ProcessStep step) {
        ProcessStep current = ProcessSteps.current(step);
        List<Label> labels = current.getType() == ProcessType.CLASSIFY
                ? current.getLabels().stream().map(ProcessDefinition::label).toList() : null;
        return new ProcessDefinition(current.getType().name().toLowerCase(Locale.ROOT), current.getTemplate(),
                current.getSystemPrompt(), labels, schema(current.getJsonSchema()), current.getTemperature(),
                current.getMaxTokens(), current.getModel());
    }

    private static Label label(ProcessLabel label) {
        return new Label(label.getName(), label.getDescription());
    }

    private static JsonNode schema(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            // Stored only after validation, so this is a record from elsewhere: show it as text.
            return JSON.getNodeFactory().textNode(json);
        }
    }
}
