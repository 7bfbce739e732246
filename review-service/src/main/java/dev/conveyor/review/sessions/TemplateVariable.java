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
    public Instant createdAt;
    public Instant updatedAt;
}
