package dev.conveyor.orchestrator.rest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A workflow in the seed's shape. {@code processes} is kept as JSON so that its shape (an
 * object of process name to column or process definition, in run order) is checked by
 * {@code WorkflowValidator} with field-level errors. {@code failedRows} ({@code "skip"} or
 * {@code "run_anyway"}, optional) is what later processes do with a row whose process Failed;
 * kept as JSON too, so that a wrong value is named, not a deserialization error.
 */
public record CreateWorkflowRequest(String workflowName, String sourceConnection, JsonNode processes, String model,
        JsonNode failedRows) {

    /** A workflow with the default Failed-row policy (skip). */
    public CreateWorkflowRequest(String workflowName, String sourceConnection, JsonNode processes, String model) {
        this(workflowName, sourceConnection, processes, model, null);
    }
}
