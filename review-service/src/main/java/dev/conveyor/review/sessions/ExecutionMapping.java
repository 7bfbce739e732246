package dev.conveyor.review.sessions;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** A recovered filter mapped onto a template variable (seed §6). */
public class ExecutionMapping {
    public String mappingId;
    public String sessionId;
    public String filterId;
    public String variableId;
    public MappingMethod mappingMethod;
    public JsonNode rawInputValue;
    public JsonNode effectiveValue;
    public String transformationNote;
    public MappingWarningLevel warningLevel;
    public boolean requiresExplicitApproval;
    public ApprovalState approvalState;
    public String approvedByUserId;
    public Instant approvedAt;
    public Instant createdAt;
    public Instant updatedAt;
}
