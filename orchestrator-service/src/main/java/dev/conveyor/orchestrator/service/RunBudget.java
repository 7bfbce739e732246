package dev.conveyor.orchestrator.service;

import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.common.rest.Problem.FieldError;

/**
 * A run's spend limits, from the optional body of {@code POST /workflows/{id}/runs}:
 * {@code {"budget": {"max_cost_usd": 1.5, "max_tokens": 100000}}}. Either limit may be left out;
 * no body, {@code {}} or no {@code budget} means no limit.
 */
public record RunBudget(Double maxCostUsd, Long maxTokens) {

    public static final RunBudget NONE = new RunBudget(null, null);

    /** Reads the request body (null when there is none); problems go to {@code errors}. */
    public static RunBudget read(JsonNode body, List<FieldError> errors) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return NONE;
        }
        if (!body.isObject()) {
            errors.add(new FieldError("body", "must be a JSON object, e.g. {\"budget\": {\"max_cost_usd\": 1.5}}"));
            return NONE;
        }
        unknownFields(body, "", RunOptions.FIELDS, errors);
        JsonNode budget = body.get("budget");
        if (budget == null || budget.isNull()) {
            return NONE;
        }
        if (!budget.isObject()) {
            errors.add(new FieldError("budget", "must be an object with max_cost_usd and/or max_tokens"));
            return NONE;
        }
        unknownFields(budget, "budget.", List.of("max_cost_usd", "max_tokens"), errors);
        Double cost = null;
        JsonNode costNode = budget.get("max_cost_usd");
        if (costNode != null && !costNode.isNull()) {
            if (costNode.isNumber() && costNode.asDouble() > 0 && Double.isFinite(costNode.asDouble())) {
                cost = costNode.asDouble();
            } else {
                errors.add(new FieldError("budget.max_cost_usd", "must be a positive number of US dollars"));
            }
        }
        Long tokens = null;
        JsonNode tokensNode = budget.get("max_tokens");
        if (tokensNode != null && !tokensNode.isNull()) {
            if (tokensNode.isIntegralNumber() && tokensNode.canConvertToLong() && tokensNode.asLong() > 0) {
                tokens = tokensNode.asLong();
            } else {
                errors.add(new FieldError("budget.max_tokens",
                        "must be a positive whole number of tokens (prompt + completion)"));
            }
        }
        return new RunBudget(cost, tokens);
    }

    private static void unknownFields(JsonNode object, String prefix, List<String> known, List<FieldError> errors) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext();) {
            String name = it.next();
            if (!known.contains(name)) {
                errors.add(new FieldError(prefix + name, "unknown field; expected " + String.join(" or ", known)));
            }
        }
    }
}
