package dev.conveyor.orchestrator.rest;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A workflow in the seed's shape. {@code processes} is kept as JSON so that its shape (an
 * object of process name to column or process definition, in run order) is checked by
 * {@code WorkflowValidator} with field-level errors.
 */
public record CreateWorkflowRequest(String workflowName, String sourceConnection, JsonNode processes, String model) {
}
