package dev.conveyor.orchestrator.service;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.Problem.FieldError;
import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessLabel;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;

/**
 * Reads one entry of a workflow's {@code processes}: the seed's short form (a column name) or a
 * full definition object. Every problem is added to the error list under
 * {@code processes.<name>[.<field>]}; a process is returned only when it has none.
 */
final class ProcessDefinitionReader {

    static final List<String> FIELDS = List.of("kind", "template", "system_prompt", "labels", "json_schema",
            "temperature", "max_tokens", "model");
    static final double MAX_TEMPERATURE = 2.0;
    static final int MAX_TOKENS = 100_000;

    private static final List<String> LABEL_FIELDS = List.of("name", "description");
    private static final String KINDS = "classify, generate or extract";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A process as read. {@code columnsField} is where a column the source lacks is reported:
     * the process itself in the short form, its template in a definition.
     */
    record ReadProcess(ProcessStep step, boolean shortForm, String columnsField) {
    }

    private ProcessDefinitionReader() {
    }

    static Optional<ReadProcess> read(String name, JsonNode value, List<FieldError> errors) {
        String field = "processes." + name;
        if (value.isTextual() && !value.asText().isBlank()) {
            return Optional.of(new ReadProcess(BuiltInProcesses.shortForm(name, value.asText()), true, field));
        }
        if (!value.isObject()) {
            errors.add(new FieldError(field, "must be the name of the column the process reads (short form) or a"
                    + " process definition object, e.g. {\"kind\": \"classify\", \"template\": \"Classify the topic"
                    + " of {{data_column_1}}\", \"labels\": [\"Sports\", \"Politics\"]}"));
            return Optional.empty();
        }
        int before = errors.size();
        for (Iterator<String> it = value.fieldNames(); it.hasNext();) {
            String unknown = it.next();
            if (!FIELDS.contains(unknown)) {
                errors.add(new FieldError(field + "." + unknown,
                        "unknown field; a process definition has " + String.join(", ", FIELDS)));
            }
        }
        ProcessType kind = kind(value.get("kind"), field + ".kind", errors);
        PromptTemplates.Parsed template = template(present(value, "template"), field + ".template", errors);
        String systemPrompt = optionalText(present(value, "system_prompt"), field + ".system_prompt",
                "must not be blank: leave it out for no system prompt", errors);
        String model = optionalText(present(value, "model"), field + ".model",
                "must not be blank: leave it out to use the workflow's model", errors);
        Double temperature = temperature(present(value, "temperature"), field + ".temperature", errors);
        Integer maxTokens = maxTokens(present(value, "max_tokens"), field + ".max_tokens", errors);

        JsonNode labelsNode = present(value, "labels");
        List<ProcessLabel> labels = List.of();
        if (kind == ProcessType.CLASSIFY) {
            labels = labels(labelsNode, field + ".labels", errors);
        } else if (kind != null && labelsNode != null) {
            errors.add(new FieldError(field + ".labels", "is only for kind classify, not " + lower(kind)));
        }
        JsonNode schemaNode = present(value, "json_schema");
        String jsonSchema = null;
        if (kind == ProcessType.EXTRACT) {
            jsonSchema = jsonSchema(schemaNode, field + ".json_schema", errors);
        } else if (kind != null && schemaNode != null) {
            errors.add(new FieldError(field + ".json_schema", "is only for kind extract, not " + lower(kind)));
        }

        if (errors.size() > before) {
            return Optional.empty();
        }
        ProcessStep step = ProcessStep.newBuilder()
                .setName(name)
                .setType(kind)
                .setColumn(template.columns().get(0))
                .setColumns(template.columns())
                .setTemplate(template.template())
                .setSystemPrompt(systemPrompt)
                .setLabels(labels)
                .setJsonSchema(jsonSchema)
                .setTemperature(temperature)
                .setMaxTokens(maxTokens)
                .setModel(model)
                .build();
        return Optional.of(new ReadProcess(step, false, field + ".template"));
    }

    static String lower(ProcessType kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The field's value, or null when it is absent or JSON null (both mean "not given"). */
    private static JsonNode present(JsonNode object, String name) {
        JsonNode node = object.get(name);
        return node == null || node.isNull() ? null : node;
    }

    private static ProcessType kind(JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            errors.add(new FieldError(field, "is required: " + KINDS));
            return null;
        }
        if (node.isTextual()) {
            for (ProcessType type : ProcessType.values()) {
                if (type.name().equalsIgnoreCase(node.asText().strip())) {
                    return type;
                }
            }
        }
        errors.add(new FieldError(field, "unknown kind " + node + ": " + KINDS));
        return null;
    }

    private static PromptTemplates.Parsed template(JsonNode node, String field, List<FieldError> errors) {
        if (node == null || node.isTextual() && node.asText().isBlank()) {
            errors.add(new FieldError(field,
                    "is required: the instruction, with a {{column}} placeholder for each column it reads"));
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be text"));
            return null;
        }
        PromptTemplates.Parsed parsed = PromptTemplates.parse(node.asText());
        if (parsed.hasEmptyPlaceholder()) {
            errors.add(new FieldError(field, "has an empty placeholder {{}}: name a column inside the braces"));
        } else if (parsed.columns().isEmpty()) {
            errors.add(new FieldError(field, "must contain at least one {{column}} placeholder, e.g. "
                    + "\"Classify the topic of {{data_column_1}}\""));
        }
        return parsed;
    }

    private static String optionalText(JsonNode node, String field, String blankMessage, List<FieldError> errors) {
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be text"));
            return null;
        }
        if (node.asText().isBlank()) {
            errors.add(new FieldError(field, blankMessage));
            return null;
        }
        return node.asText().strip();
    }

    private static Double temperature(JsonNode node, String field, List<FieldError> errors) {
        if (node == null) {
            return null;
        }
        if (!node.isNumber() || node.asDouble() < 0 || node.asDouble() > MAX_TEMPERATURE) {
            errors.add(new FieldError(field, "must be a number from 0 to 2"));
            return null;
        }
        return node.asDouble();
    }

    private static Integer maxTokens(JsonNode node, String field, List<FieldError> errors) {
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < 1 || node.asInt() > MAX_TOKENS) {
            errors.add(new FieldError(field, "must be a whole number from 1 to " + MAX_TOKENS));
            return null;
        }
        return node.asInt();
    }

    private static List<ProcessLabel> labels(JsonNode node, String field, List<FieldError> errors) {
        if (node == null) {
            errors.add(new FieldError(field, "is required for kind classify: the answers allowed, e.g. "
                    + "[\"Sports\", {\"name\": \"Politics\", \"description\": \"government and elections\"}]"));
            return List.of();
        }
        if (!node.isArray()) {
            errors.add(new FieldError(field, "must be a list of labels: names, or {\"name\", \"description\"} objects"));
            return List.of();
        }
        if (node.isEmpty()) {
            errors.add(new FieldError(field, "must name at least one label"));
            return List.of();
        }
        List<ProcessLabel> labels = new ArrayList<>();
        // Compared ignoring case: a model's "positive" must not match two labels.
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < node.size(); i++) {
            String at = field + "[" + i + "]";
            ProcessLabel label = label(node.get(i), at, errors);
            if (label == null) {
                continue;
            }
            Integer first = seen.putIfAbsent(label.getName().toLowerCase(Locale.ROOT), i);
            if (first != null) {
                errors.add(new FieldError(at, "duplicate label '" + label.getName() + "' (same as labels[" + first
                        + "]; labels are compared ignoring case)"));
            } else {
                labels.add(label);
            }
        }
        return labels;
    }

    private static ProcessLabel label(JsonNode node, String at, List<FieldError> errors) {
        if (node.isTextual()) {
            if (node.asText().isBlank()) {
                errors.add(new FieldError(at, "a label name must not be blank"));
                return null;
            }
            return new ProcessLabel(node.asText().strip(), null);
        }
        if (!node.isObject()) {
            errors.add(new FieldError(at, "must be a label name or a {\"name\", \"description\"} object"));
            return null;
        }
        int before = errors.size();
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String unknown = it.next();
            if (!LABEL_FIELDS.contains(unknown)) {
                errors.add(new FieldError(at + "." + unknown, "unknown field; a label has name and description"));
            }
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            errors.add(new FieldError(at + ".name", "is required: the label as the model must answer it"));
        }
        JsonNode description = present(node, "description");
        if (description != null && !description.isTextual()) {
            errors.add(new FieldError(at + ".description", "must be text"));
        }
        if (errors.size() > before) {
            return null;
        }
        String text = description == null || description.asText().isBlank() ? null : description.asText().strip();
        return new ProcessLabel(name.asText().strip(), text);
    }

    private static String jsonSchema(JsonNode node, String field, List<FieldError> errors) {
        if (node == null) {
            errors.add(new FieldError(field, "is required for kind extract: the JSON Schema the answer must satisfy"));
            return null;
        }
        JsonSchemaCheck.Result checked = JsonSchemaCheck.check(node);
        if (!checked.problems().isEmpty()) {
            checked.problems().forEach(problem -> errors.add(new FieldError(field, problem)));
            return null;
        }
        try {
            return JSON.writeValueAsString(checked.schema());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A parsed JSON tree always serializes", e);
        }
    }
}
