package dev.conveyor.review.ai;

import java.util.Map;
import java.util.Objects;

/**
 * What a review-service aggregate asks of the LLM workers: one extract task whose answer must
 * satisfy {@code jsonSchema}. {@code requestId} identifies the request (a re-sent request is the
 * same task); {@code aggregateId} groups metering (it becomes the task's runId).
 *
 * @param origin        {@link dev.conveyor.schemas.TaskOrigins} value; results come back with it
 * @param requestId     UUID of the request; becomes the task's referenceId
 * @param aggregateId   Path id or session id; becomes the task's runId
 * @param workflowId    research workflow id (paths) or session id (sessions)
 * @param processName   what is asked, e.g. {@code add_research_strategy}
 * @param systemPrompt  the instructions
 * @param template      the user message over {@code {{placeholders}}} filled from {@code inputs}
 * @param inputs        placeholder values, e.g. {@code workflow} and {@code path} as JSON
 * @param jsonSchema    JSON Schema (as text) the answer must satisfy; the worker re-asks until it does
 */
public record AiTaskRequest(String origin, String requestId, String aggregateId, String workflowId,
        String processName, String systemPrompt, String template, Map<String, String> inputs, String jsonSchema) {

    public AiTaskRequest {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(processName, "processName");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(jsonSchema, "jsonSchema");
        inputs = Map.copyOf(inputs);
    }
}
