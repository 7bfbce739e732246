package dev.conveyor.review.sessions;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** A runtime variable found in the dataset's execution logic (seed §5). */
public class TemplateVariable {
    public String variableId;
    public String sessionId;
    public String variableName;
    public String expressionSource;
    public VariableKind variableKind;
    public boolean isRequired;
    public JsonNode defaultValue;
    public MappingStatus mappingStatus;
    /**
     * How Superset takes the variable's value: {@code filters} (the query's filters, read by
     * filter_values/get_filters), {@code url_params} (read by url_param), {@code template_params}
     * (the dataset's own value), or null when nothing can pass it (derived, unknown).
     */
    public String passedAs;
    public Instant createdAt;
    public Instant updatedAt;
}
