package dev.conveyor.review.paths;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the AI is asked for each step it can fill: one instruction over the serialized workflow
 * and Path (the Airalogy AI's one-next-step-per-call shape), and the JSON Schema its answer, the
 * step's {@code data}, must satisfy. The worker validates the answer against the schema and
 * re-asks; this service checks it again against the Path rules before appending it.
 */
public final class PathAiPrompts {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static final String SYSTEM_PROMPT = """
            You are the AI of a research Path (the AIRA method). A workflow of protocols is applied step \
            by step: a research goal, a research strategy, then for each stage the next protocol, initial \
            values for its fields, the record a person produces, and a phased conclusion, until the Path \
            ends with a final conclusion. You produce exactly one next step: its data as a JSON object, \
            matching the given JSON Schema, with nothing else around it. Think first and put that \
            reasoning in "thought" where the schema has it.""";

    private PathAiPrompts() {
    }

    public static String template(StepType step) {
        return "The workflow's protocols (protocols_info):\n{{workflow}}\n\nThe Path so far (path_data):\n{{path}}\n\n"
                + instruction(step);
    }

    static String instruction(StepType step) {
        return switch (step) {
            case ADD_RESEARCH_GOAL -> "Propose a research goal that this workflow of protocols can pursue.";
            case ADD_RESEARCH_STRATEGY -> "Decide whether the research goal is researchable with this workflow "
                    + "(researchable: true or false). If it is, write the research strategy; if not, set strategy "
                    + "to null.";
            case ADD_NEXT_PROTOCOL -> "Choose the protocol to apply next, by its protocol_index, given the goal, "
                    + "the strategy and the conclusions so far; or end the Path (end_path: true, protocol_index: "
                    + "null) when the goal is reached or cannot be advanced further.";
            case ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL -> "Propose initial values, usually initial "
                    + "experimental conditions, for the fields of the protocol chosen for the current stage.";
            case ADD_PHASED_RESEARCH_CONCLUSION -> "Summarize the research conclusions up to the current protocol.";
            case ADD_FINAL_RESEARCH_CONCLUSION -> "Summarize the final research conclusion of the whole Path.";
            case RECORD_PROTOCOL -> throw new IllegalArgumentException("record_protocol is filled by a person");
        };
    }

    /** The JSON Schema of the step's data as the AI must give it. */
    public static ObjectNode dataSchema(StepType step, ResearchWorkflow workflow, Integer stageProtocol) {
        ObjectNode schema = NODES.objectNode();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("type", "object");
        schema.put("additionalProperties", false);
        ArrayNode required = schema.putArray("required");
        ObjectNode props = schema.putObject("properties");
        if (step.hasThought()) {
            required.add("thought");
            props.putObject("thought").put("type", "string");
        }
        switch (step) {
            case ADD_RESEARCH_GOAL -> {
                required.add("goal");
                props.putObject("goal").put("type", "string").put("minLength", 1);
            }
            case ADD_RESEARCH_STRATEGY -> {
                required.add("researchable");
                required.add("strategy");
                props.putObject("researchable").put("type", "boolean");
                props.putObject("strategy").putArray("type").add("string").add("null");
                ObjectNode ifResearchable = schema.putObject("if");
                ifResearchable.putObject("properties").putObject("researchable").put("const", true);
                schema.putObject("then").putObject("properties").putObject("strategy").put("type", "string")
                        .put("minLength", 1);
            }
            case ADD_NEXT_PROTOCOL -> {
                required.add("end_path");
                required.add("protocol_index");
                props.putObject("end_path").put("type", "boolean");
                ArrayNode choices = props.putObject("protocol_index").putArray("enum");
                workflow.protocolIndexes().forEach(choices::add);
                choices.addNull();
                schema.putObject("if").putObject("properties").putObject("end_path").put("const", true);
                schema.putObject("then").putObject("properties").putObject("protocol_index").put("type", "null");
                schema.putObject("else").putObject("properties").putObject("protocol_index").put("type", "integer");
            }
            case ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL -> {
                required.add("values");
                ObjectNode fields = workflow.protocol(stageProtocol).orElseThrow().get("protocol_data")
                        .get("field_json_schema").deepCopy();
                fields.remove("$schema");
                fields.remove("$id");
                props.set("values", fields);
            }
            case ADD_PHASED_RESEARCH_CONCLUSION, ADD_FINAL_RESEARCH_CONCLUSION -> {
                required.add("conclusion");
                props.putObject("conclusion").put("type", "string").put("minLength", 1);
            }
            case RECORD_PROTOCOL -> throw new IllegalArgumentException("record_protocol is filled by a person");
        }
        return schema;
    }
}
