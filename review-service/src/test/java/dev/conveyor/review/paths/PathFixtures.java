package dev.conveyor.review.paths;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A workflow of three protocols and steps in the seed's shape, for tests. */
public final class PathFixtures {

    public static final ObjectMapper JSON = new ObjectMapper();

    public static final String WORKFLOW = """
            {"name": "Catalyst screening",
             "protocols_info": [
              {"protocol_index": 0, "protocol_id": "synthesis", "protocol_version": "1.0.0",
               "airalogy_protocol_id": "airalogy.id.lab.demo.project.demo.protocol.synthesis.v.1.0.0",
               "protocol_data": {"markdown": "# Synthesis\\nMix the precursors at a temperature and stir.",
                 "model": null, "assigner": null,
                 "field_json_schema": {"type": "object", "additionalProperties": false, "required": ["temperature_c"],
                   "properties": {"temperature_c": {"type": "number", "minimum": -50, "maximum": 400},
                                  "solvent": {"type": "string"}}}}},
              {"protocol_index": 1, "protocol_id": "characterization", "protocol_version": "2.1.0",
               "airalogy_protocol_id": null,
               "protocol_data": {"markdown": "# Characterization\\nMeasure the XRD pattern of the product.",
                 "model": "class VarModel(BaseModel): scan_rate: float", "assigner": null,
                 "field_json_schema": {"type": "object", "properties": {"scan_rate": {"type": "number"}}}}},
              {"protocol_index": 2, "protocol_id": "activity-test", "protocol_version": "0.3.0",
               "airalogy_protocol_id": null,
               "protocol_data": {"markdown": "# Activity test\\nMeasure the catalytic activity in a reactor.",
                 "model": null, "assigner": "def assign(): pass",
                 "field_json_schema": {"type": "object", "properties": {"flow_ml_min": {"type": "integer"}}}}}
             ]}""";

    private PathFixtures() {
    }

    public static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static ResearchWorkflow workflow() {
        return new ResearchWorkflow("00000000-0000-0000-0000-0000000000aa", "Catalyst screening",
                (ArrayNode) json(WORKFLOW).get("protocols_info"), Instant.parse("2026-01-01T00:00:00Z"));
    }

    public static ObjectNode step(String step, Integer pathIndex, String mode, String data) {
        ObjectNode s = JSON.createObjectNode();
        s.put("step", step);
        if (pathIndex != null) {
            s.put("path_index", pathIndex);
        }
        s.put("mode", mode);
        s.set("data", json(data));
        return s;
    }

    public static ObjectNode goal() {
        return step("add_research_goal", 0, "user", "{\"thought\": null, \"goal\": \"A better catalyst\"}");
    }

    public static ObjectNode strategy(String researchable) {
        return step("add_research_strategy", 0, "user",
                "{\"thought\": null, \"researchable\": " + researchable + ", \"strategy\": \"Screen three routes\"}");
    }

    public static ObjectNode nextProtocol(int pathIndex, Integer protocolIndex) {
        return step("add_next_protocol", pathIndex, "user", "{\"thought\": null, \"end_path\": "
                + (protocolIndex == null) + ", \"protocol_index\": " + protocolIndex + "}");
    }

    public static ObjectNode initialValues(int pathIndex, String values) {
        return step("add_initial_values_for_fields_in_next_protocol", pathIndex, "user",
                "{\"thought\": null, \"values\": " + values + "}");
    }

    public static ObjectNode record(int pathIndex, int protocolIndex, String recordId) {
        return step("record_protocol", pathIndex, "user", "{\"protocol_index\": " + protocolIndex
                + ", \"record_id\": \"" + recordId + "\", \"record_version\": 1, \"airalogy_record_id\": "
                + "\"airalogy.id.record." + recordId + ".v.1\"}");
    }

    public static ObjectNode phased(int pathIndex) {
        return step("add_phased_research_conclusion", pathIndex, "user", "{\"conclusion\": \"So far so good\"}");
    }

    public static ObjectNode finalConclusion(int pathIndex) {
        return step("add_final_research_conclusion", pathIndex, "user", "{\"conclusion\": \"Route 0 wins\"}");
    }
}
