package dev.conveyor.review.paths;

import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks a step's {@code data} against the seed: exactly the fields the seed gives each step
 * (thought only on goal, strategy, next protocol and initial values, null when a person fills
 * the step), their types, and what they must agree with in the workflow. Returns the data with
 * its fields in the seed's order.
 */
public final class StepData {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StepData() {
    }

    /**
     * @param stageProtocol protocol_index chosen for the current stage, null when none
     * @param filledByUser  a person filled the step directly: thought must be null
     */
    public static ObjectNode check(StepType step, ObjectNode data, ResearchWorkflow workflow, Integer stageProtocol,
            boolean filledByUser) {
        ObjectNode out = NODES.objectNode();
        switch (step) {
            case ADD_RESEARCH_GOAL -> {
                rejectUnknown(data, Set.of("thought", "goal"), "data.");
                thought(data, out, filledByUser);
                out.set("goal", nonBlank(data, "goal"));
            }
            case ADD_RESEARCH_STRATEGY -> {
                rejectUnknown(data, Set.of("thought", "researchable", "strategy"), "data.");
                thought(data, out, filledByUser);
                JsonNode researchable = data.get("researchable");
                if (researchable != null && !researchable.isNull() && !researchable.isBoolean()) {
                    throw PathRuleException.invalid("data.researchable", "must be true, false or null (not confirmed)");
                }
                out.set("researchable", researchable == null ? NODES.nullNode() : researchable);
                JsonNode strategy = data.get("strategy");
                if (researchable != null && researchable.isBoolean() && !researchable.asBoolean()) {
                    // not researchable: the seed generates no strategy, a note is allowed
                    if (strategy != null && !strategy.isNull() && !strategy.isTextual()) {
                        throw PathRuleException.invalid("data.strategy", "must be a string or null");
                    }
                    out.set("strategy", strategy == null ? NODES.nullNode() : strategy);
                } else {
                    out.set("strategy", nonBlank(data, "strategy"));
                }
            }
            case ADD_NEXT_PROTOCOL -> {
                rejectUnknown(data, Set.of("thought", "end_path", "protocol_index"), "data.");
                thought(data, out, filledByUser);
                JsonNode endPath = data.get("end_path");
                if (endPath == null || !endPath.isBoolean()) {
                    throw PathRuleException.invalid("data.end_path", "must be true or false");
                }
                JsonNode index = data.get("protocol_index");
                if (index != null && !index.isNull() && !index.isIntegralNumber()) {
                    throw PathRuleException.invalid("data.protocol_index", "must be an integer or null");
                }
                boolean noIndex = index == null || index.isNull();
                if (endPath.asBoolean() != noIndex) {
                    throw PathRuleException.invalid("data.protocol_index", endPath.asBoolean()
                            ? "must be null when end_path is true" : "must name a protocol when end_path is false");
                }
                if (!noIndex && workflow.protocol(index.asInt()).isEmpty()) {
                    throw PathRuleException.invalid("data.protocol_index", "protocol_index " + index.asInt()
                            + " is not in the workflow (it has " + workflow.protocolIndexes() + ")");
                }
                out.set("end_path", endPath);
                out.set("protocol_index", noIndex ? NODES.nullNode() : index);
            }
            case ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL -> {
                rejectUnknown(data, Set.of("thought", "values"), "data.");
                thought(data, out, filledByUser);
                JsonNode values = data.get("values");
                if (values == null || !values.isObject()) {
                    throw PathRuleException.invalid("data.values", "must be an object of field values");
                }
                JsonNode schema = workflow.protocol(stageProtocol).orElseThrow()
                        .get("protocol_data").get("field_json_schema");
                List<String> problems = JsonSchemas.violations(schema, values);
                if (!problems.isEmpty()) {
                    throw PathRuleException.invalid("data.values", "does not satisfy the field_json_schema of "
                            + "protocol " + stageProtocol + ": " + String.join("; ", problems));
                }
                out.set("values", values);
            }
            case RECORD_PROTOCOL -> {
                rejectUnknown(data, Set.of("protocol_index", "record_id", "record_version", "airalogy_record_id"),
                        "data.");
                JsonNode index = data.get("protocol_index");
                if (index == null || !index.isIntegralNumber()) {
                    throw PathRuleException.invalid("data.protocol_index", "must be an integer");
                }
                if (stageProtocol == null || index.asInt() != stageProtocol) {
                    throw PathRuleException.invalid("data.protocol_index", "must be " + stageProtocol
                            + ", the protocol chosen for this stage");
                }
                JsonNode recordId = data.get("record_id");
                if (recordId == null || !recordId.isTextual() || !isUuid(recordId.asText())) {
                    throw PathRuleException.invalid("data.record_id", "must be a UUID");
                }
                JsonNode version = data.get("record_version");
                if (version == null || !version.isIntegralNumber() || version.asLong() < 1) {
                    throw PathRuleException.invalid("data.record_version", "must be an integer >= 1");
                }
                out.set("protocol_index", index);
                out.set("record_id", recordId);
                out.set("record_version", version);
                out.set("airalogy_record_id", nonBlank(data, "airalogy_record_id"));
            }
            case ADD_PHASED_RESEARCH_CONCLUSION, ADD_FINAL_RESEARCH_CONCLUSION -> {
                rejectUnknown(data, Set.of("conclusion"), "data.");
                out.set("conclusion", nonBlank(data, "conclusion"));
            }
        }
        return out;
    }

    static void rejectUnknown(JsonNode node, Set<String> known, String at) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw PathRuleException.invalid(at + name, "is not a field of this object (fields: "
                        + known.stream().sorted().toList() + ")");
            }
        }
    }

    private static void thought(ObjectNode data, ObjectNode out, boolean filledByUser) {
        JsonNode thought = data.get("thought");
        if (thought != null && !thought.isNull() && !thought.isTextual()) {
            throw PathRuleException.invalid("data.thought", "must be a string or null");
        }
        if (filledByUser && thought != null && !thought.isNull()) {
            throw PathRuleException.invalid("data.thought", "must be null for a step a person fills (mode user)");
        }
        out.set("thought", thought == null ? NODES.nullNode() : thought);
    }

    private static JsonNode nonBlank(ObjectNode data, String field) {
        JsonNode v = data.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw PathRuleException.invalid("data." + field, "must be a non-blank string");
        }
        return v;
    }

    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        try {
            UUID.fromString(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
