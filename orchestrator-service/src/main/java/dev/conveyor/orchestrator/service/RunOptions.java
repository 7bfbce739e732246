package dev.conveyor.orchestrator.service;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.common.rest.Problem.FieldError;
import dev.conveyor.schemas.FailedRowPolicy;
import dev.conveyor.schemas.RunOrdering;

/**
 * How a run walks its rows, from the optional body of {@code POST /workflows/{id}/runs}:
 * {@code "ordering": "staged" | "per_row"} (default staged: every row through a process before
 * the next starts) and {@code "failed_rows": "skip" | "run_anyway"} (default: the workflow's
 * policy, itself skip unless the workflow says otherwise; skip: a row whose process Failed gets a
 * Skipped result, naming the failure, from every later process). {@code failedRows} is null when
 * the run does not override the workflow.
 * {@code "continuous": true} makes a run that takes the source's rows as they arrive, row by row,
 * until it is cancelled.
 */
public record RunOptions(RunBudget budget, RunOrdering ordering, FailedRowPolicy failedRows, boolean continuous) {

    static final List<String> FIELDS = List.of("budget", "ordering", "failed_rows", "continuous");

    public static RunOptions read(JsonNode body, List<FieldError> errors) {
        RunBudget budget = RunBudget.read(body, errors);
        if (body == null || !body.isObject()) {
            return new RunOptions(budget, RunOrdering.STAGED, null, false);
        }
        RunOrdering ordering = choice(body, "ordering", RunOrdering.class, RunOrdering.STAGED, errors);
        FailedRowPolicy failed = choice(body, "failed_rows", FailedRowPolicy.class, null, errors);
        boolean continuous = false;
        JsonNode node = body.get("continuous");
        if (node != null && !node.isNull()) {
            if (node.isBoolean()) {
                continuous = node.asBoolean();
            } else {
                errors.add(new FieldError("continuous", "must be true or false"));
            }
        }
        if (continuous && body.hasNonNull("ordering") && ordering != RunOrdering.PER_ROW) {
            errors.add(new FieldError("ordering", "a continuous run is per_row: each row moves on as it can"));
        }
        return new RunOptions(budget, continuous ? RunOrdering.PER_ROW : ordering, failed, continuous);
    }

    /** The run's Failed-row policy: its own when it names one, the workflow's otherwise. */
    public FailedRowPolicy failedRowsOr(FailedRowPolicy workflowPolicy) {
        return failedRows != null ? failedRows : workflowPolicy;
    }

    private static <E extends Enum<E>> E choice(JsonNode body, String field, Class<E> type, E fallback,
            List<FieldError> errors) {
        return enumValue(body.get(field), field, type, fallback, errors);
    }

    /** One of an enum's constants, written in lower case; {@code fallback} when absent, a named error when wrong. */
    static <E extends Enum<E>> E enumValue(JsonNode node, String field, Class<E> type, E fallback,
            List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        List<String> allowed = java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        if (node.isTextual() && allowed.contains(node.asText().toLowerCase(Locale.ROOT))) {
            return Enum.valueOf(type, node.asText().toUpperCase(Locale.ROOT));
        }
        errors.add(new FieldError(field, "must be one of " + String.join(", ", allowed)));
        return fallback;
    }
}
