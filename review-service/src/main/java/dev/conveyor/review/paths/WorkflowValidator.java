package dev.conveyor.review.paths;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.paths.PathRuleException.Violation;

/**
 * Checks a workflow of protocols whole, in the seed's shape, and returns {@code protocols_info}
 * with its fields in the seed's order. Every problem is reported, each naming its field.
 */
public final class WorkflowValidator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> BODY_FIELDS = Set.of("name", "protocols_info");
    private static final Set<String> PROTOCOL_FIELDS = Set.of("protocol_index", "protocol_id", "protocol_version",
            "airalogy_protocol_id", "protocol_data");
    private static final Set<String> DATA_FIELDS = Set.of("markdown", "model", "assigner", "field_json_schema");

    private WorkflowValidator() {
    }

    /** The validated workflow body: its optional name and protocols_info in the seed's field order. */
    public record Validated(String name, ArrayNode protocolsInfo) {
    }

    public static Validated validate(JsonNode body) {
        List<Violation> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw PathRuleException.invalid("body", "must be a JSON object with protocols_info");
        }
        unknownFields(body, BODY_FIELDS, "", errors);
        JsonNode name = body.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) {
            errors.add(new Violation("name", "must be a string"));
        }
        JsonNode protocols = body.get("protocols_info");
        ArrayNode normalized = NODES.arrayNode();
        if (protocols == null || !protocols.isArray() || protocols.isEmpty()) {
            errors.add(new Violation("protocols_info", "must be a non-empty array of protocols"));
        } else {
            Set<Integer> indexes = new HashSet<>();
            for (int i = 0; i < protocols.size(); i++) {
                normalized.add(protocol(protocols.get(i), "protocols_info[" + i + "]", indexes, errors));
            }
        }
        if (!errors.isEmpty()) {
            throw PathRuleException.invalid(errors);
        }
        return new Validated(name == null || name.isNull() ? null : name.asText(), normalized);
    }

    private static ObjectNode protocol(JsonNode p, String at, Set<Integer> indexes, List<Violation> errors) {
        ObjectNode out = NODES.objectNode();
        if (p == null || !p.isObject()) {
            errors.add(new Violation(at, "must be an object"));
            return out;
        }
        unknownFields(p, PROTOCOL_FIELDS, at + ".", errors);
        JsonNode index = p.get("protocol_index");
        if (index == null || !index.isIntegralNumber() || index.asLong() < 0 || index.asLong() > Integer.MAX_VALUE) {
            errors.add(new Violation(at + ".protocol_index", "must be an integer >= 0"));
        } else if (!indexes.add(index.asInt())) {
            errors.add(new Violation(at + ".protocol_index", "duplicates protocol_index " + index.asInt()));
        }
        out.set("protocol_index", index);
        out.set("protocol_id", nonBlank(p, "protocol_id", at, errors));
        out.set("protocol_version", nonBlank(p, "protocol_version", at, errors));
        JsonNode airalogy = p.get("airalogy_protocol_id");
        if (airalogy != null && !airalogy.isNull() && !(airalogy.isTextual() && !airalogy.asText().isBlank())) {
            errors.add(new Violation(at + ".airalogy_protocol_id", "must be a non-blank string or null"));
        }
        out.set("airalogy_protocol_id", airalogy == null ? NODES.nullNode() : airalogy);
        out.set("protocol_data", protocolData(p.get("protocol_data"), at + ".protocol_data", errors));
        return out;
    }

    private static ObjectNode protocolData(JsonNode d, String at, List<Violation> errors) {
        ObjectNode out = NODES.objectNode();
        if (d == null || !d.isObject()) {
            errors.add(new Violation(at, "must be an object with markdown, model, assigner and field_json_schema"));
            return out;
        }
        unknownFields(d, DATA_FIELDS, at + ".", errors);
        JsonNode markdown = d.get("markdown");
        if (markdown == null || !markdown.isTextual()) {
            errors.add(new Violation(at + ".markdown", "must be a string"));
        }
        out.set("markdown", markdown);
        for (String nullable : List.of("model", "assigner")) {
            JsonNode v = d.get(nullable);
            if (v != null && !v.isNull() && !v.isTextual()) {
                errors.add(new Violation(at + "." + nullable, "must be a string or null"));
            }
            out.set(nullable, v == null ? NODES.nullNode() : v);
        }
        JsonNode schema = d.get("field_json_schema");
        List<String> problems = JsonSchemas.schemaProblems(schema);
        if (!problems.isEmpty()) {
            errors.add(new Violation(at + ".field_json_schema", "is not a valid JSON Schema: " + String.join("; ", problems)));
        }
        out.set("field_json_schema", schema);
        return out;
    }

    private static JsonNode nonBlank(JsonNode p, String field, String at, List<Violation> errors) {
        JsonNode v = p.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            errors.add(new Violation(at + "." + field, "must be a non-blank string"));
        }
        return v;
    }

    static void unknownFields(JsonNode node, Set<String> known, String at, List<Violation> errors) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!known.contains(n)) {
                errors.add(new Violation(at + n, "is not a field of this object"));
            }
        }
    }
}
