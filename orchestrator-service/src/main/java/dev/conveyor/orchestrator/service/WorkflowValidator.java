package dev.conveyor.orchestrator.service;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.common.rest.Problem.FieldError;
import dev.conveyor.orchestrator.client.SourceProfile;
import dev.conveyor.orchestrator.rest.CreateWorkflowRequest;
import dev.conveyor.schemas.ProcessStep;

/**
 * Checks a workflow request whole and names every offending field: a workflow is accepted only
 * when each of its processes can run on every row of its source.
 */
public final class WorkflowValidator {

    private static final Pattern PROCESS_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,99}");

    /** The outcome: the processes in run order when {@code errors} is empty. */
    public record Validated(List<ProcessStep> processes, List<FieldError> errors) {
    }

    private WorkflowValidator() {
    }

    public static Validated validate(CreateWorkflowRequest request,
            Function<String, Optional<SourceProfile>> sources) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            return new Validated(List.of(), List.of(new FieldError("body", "a workflow object is required")));
        }
        requireText(request.workflowName(), "workflow_name", errors);
        requireText(request.model(), "model", errors);
        List<ProcessStep> steps = processes(request.processes(), errors);

        // The catalogue is asked only about a request that is otherwise valid.
        if (requireText(request.sourceConnection(), "source_connection", errors) && errors.isEmpty()) {
            Optional<SourceProfile> source = sources.apply(request.sourceConnection());
            if (source.isEmpty()) {
                errors.add(new FieldError("source_connection", "unknown source '" + request.sourceConnection()
                        + "': no rows have been ingested for it"));
            } else {
                for (ProcessStep step : steps) {
                    long missing = source.get().rowsMissing(step.getColumn());
                    if (missing > 0) {
                        errors.add(new FieldError("processes." + step.getName(), "column '" + step.getColumn()
                                + "' is missing in " + missing + " of " + source.get().rowCount() + " rows of source '"
                                + request.sourceConnection() + "'"));
                    }
                }
            }
        }
        return new Validated(steps, errors);
    }

    private static List<ProcessStep> processes(JsonNode processes, List<FieldError> errors) {
        if (processes == null || processes.isNull()) {
            errors.add(new FieldError("processes", "is required: an object of process name to column, in run order"));
            return List.of();
        }
        if (!processes.isObject()) {
            errors.add(new FieldError("processes", "must be an object of process name to column, e.g. "
                    + "{\"sentiment\": \"data_column_1\"}"));
            return List.of();
        }
        if (processes.isEmpty()) {
            errors.add(new FieldError("processes", "must name at least one process"));
            return List.of();
        }
        List<ProcessStep> steps = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = processes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            String field = "processes." + entry.getKey();
            if (!PROCESS_NAME.matcher(entry.getKey()).matches()) {
                errors.add(new FieldError(field, "a process name starts with a letter and has only letters, digits,"
                        + " '_' and '-' (at most 100)"));
            } else if (!entry.getValue().isTextual() || entry.getValue().asText().isBlank()) {
                errors.add(new FieldError(field, "must be the name of the column the process reads"));
            } else {
                steps.add(new ProcessStep(entry.getKey(), entry.getValue().asText()));
            }
        }
        return steps;
    }

    private static boolean requireText(String value, String field, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return false;
        }
        return true;
    }
}
