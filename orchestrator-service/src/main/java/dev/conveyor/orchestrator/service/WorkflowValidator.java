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
import dev.conveyor.orchestrator.service.ProcessDefinitionReader.ReadProcess;
import dev.conveyor.schemas.FailedRowPolicy;
import dev.conveyor.schemas.ProcessStep;

/**
 * Checks a workflow request whole and names every offending field: a workflow is accepted only
 * when each of its processes is a complete definition ({@link ProcessDefinitionReader}) and
 * every column its template reads is in every row of its source.
 */
public final class WorkflowValidator {

    private static final Pattern PROCESS_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,99}");

    /** The outcome: the processes in run order and the Failed-row policy when {@code errors} is empty. */
    public record Validated(List<ProcessStep> processes, FailedRowPolicy failedRows, List<FieldError> errors) {
    }

    private WorkflowValidator() {
    }

    public static Validated validate(CreateWorkflowRequest request,
            Function<String, Optional<SourceProfile>> sources) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            return new Validated(List.of(), FailedRowPolicy.SKIP,
                    List.of(new FieldError("body", "a workflow object is required")));
        }
        requireText(request.workflowName(), "workflow_name", errors);
        requireText(request.model(), "model", errors);
        List<ReadProcess> processes = processes(request.processes(), errors);
        FailedRowPolicy failedRows = RunOptions.enumValue(request.failedRows(), "failed_rows", FailedRowPolicy.class,
                FailedRowPolicy.SKIP, errors);

        // The catalogue is asked only about a request that is otherwise valid.
        if (requireText(request.sourceConnection(), "source_connection", errors) && errors.isEmpty()) {
            Optional<SourceProfile> source = sources.apply(request.sourceConnection());
            if (source.isEmpty()) {
                errors.add(new FieldError("source_connection", "unknown source '" + request.sourceConnection()
                        + "': no rows have been ingested for it"));
            } else {
                processes.forEach(process -> checkColumns(process, request.sourceConnection(), source.get(), errors));
            }
        }
        return new Validated(processes.stream().map(ReadProcess::step).toList(), failedRows, errors);
    }

    /** Every column a process reads must be in every row of the source. */
    private static void checkColumns(ReadProcess process, String sourceName, SourceProfile source,
            List<FieldError> errors) {
        for (String column : process.step().getColumns()) {
            long missing = source.rowsMissing(column);
            if (missing <= 0) {
                continue;
            }
            String where = " is missing in " + missing + " of " + source.rowCount() + " rows of source '"
                    + sourceName + "'";
            errors.add(new FieldError(process.columnsField(), process.shortForm()
                    ? "column '" + column + "'" + where
                    : "placeholder {{" + column + "}}: column '" + column + "'" + where));
        }
    }

    private static List<ReadProcess> processes(JsonNode processes, List<FieldError> errors) {
        if (processes == null || processes.isNull()) {
            errors.add(new FieldError("processes", "is required: an object of process name to column or process"
                    + " definition, in run order"));
            return List.of();
        }
        if (!processes.isObject()) {
            errors.add(new FieldError("processes", "must be an object of process name to column or process"
                    + " definition, in run order, e.g. {\"sentiment\": \"data_column_1\"}"));
            return List.of();
        }
        if (processes.isEmpty()) {
            errors.add(new FieldError("processes", "must name at least one process"));
            return List.of();
        }
        List<ReadProcess> read = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = processes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!PROCESS_NAME.matcher(entry.getKey()).matches()) {
                errors.add(new FieldError("processes." + entry.getKey(), "a process name starts with a letter and"
                        + " has only letters, digits, '_' and '-' (at most 100)"));
            } else {
                ProcessDefinitionReader.read(entry.getKey(), entry.getValue(), errors).ifPresent(read::add);
            }
        }
        return read;
    }

    private static boolean requireText(String value, String field, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return false;
        }
        return true;
    }
}
