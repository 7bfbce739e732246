package dev.conveyor.orchestrator.service;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaId;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;

/**
 * Checks that an extract process's schema is a JSON Schema: the schema is validated, as an
 * instance, against the draft 2020-12 meta-schema, or draft-07's when its {@code $schema} says
 * so. The meta-schemas ship inside the validator jar, so nothing is fetched over the network.
 */
final class JsonSchemaCheck {

    static final String DRAFT_2020_12 = SchemaId.V202012;
    static final String DRAFT_07 = SchemaId.V7;

    private static final int MAX_REPORTED = 3;

    /** Built once: a meta-schema is immutable and safe to share between threads. */
    private static final class MetaSchemas {
        static final JsonSchema V202012 = metaSchema(VersionFlag.V202012, DRAFT_2020_12);
        static final JsonSchema V7 = metaSchema(VersionFlag.V7, DRAFT_07);

        private static JsonSchema metaSchema(VersionFlag version, String id) {
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().locale(Locale.ROOT).build();
            return JsonSchemaFactory.getInstance(version).getSchema(SchemaLocation.of(id), config);
        }
    }

    private JsonSchemaCheck() {
    }

    /**
     * The outcome: {@code problems} is empty when the schema is valid; {@code schema} is then the
     * schema to store, with its {@code $schema} (if any) written as the meta-schema's canonical
     * id, so that whoever validates answers later resolves it without a network fetch.
     */
    record Result(JsonNode schema, List<String> problems) {
    }

    static Result check(JsonNode schema) {
        if (!schema.isObject()) {
            return invalid(schema, "must be a JSON Schema object, e.g. {\"type\": \"object\", \"properties\": {...}}");
        }
        JsonNode declared = schema.get("$schema");
        JsonSchema meta;
        String draft;
        String id;
        if (declared == null || declared.isTextual() && sameUri(declared.asText(), DRAFT_2020_12)) {
            meta = MetaSchemas.V202012;
            draft = "draft 2020-12";
            id = DRAFT_2020_12;
        } else if (declared.isTextual() && sameUri(declared.asText(), DRAFT_07)) {
            meta = MetaSchemas.V7;
            draft = "draft-07";
            id = DRAFT_07;
        } else {
            return invalid(schema, "$schema " + declared + " is not supported: leave it out (draft 2020-12) or use \""
                    + DRAFT_2020_12 + "\" or \"" + DRAFT_07 + "\"");
        }
        Set<ValidationMessage> messages = meta.validate(schema);
        if (!messages.isEmpty()) {
            Set<String> reported = new LinkedHashSet<>();
            for (ValidationMessage message : messages) {
                if (reported.size() == MAX_REPORTED) {
                    break;
                }
                reported.add(message.getMessage());
            }
            String more = messages.size() > reported.size()
                    ? " (and " + (messages.size() - reported.size()) + " more)" : "";
            return invalid(schema, "is not a valid JSON Schema (" + draft + "): " + String.join("; ", reported) + more);
        }
        if (declared == null) {
            return new Result(schema, List.of());
        }
        ObjectNode canonical = ((ObjectNode) schema).deepCopy();
        canonical.put("$schema", id);
        return new Result(canonical, List.of());
    }

    private static Result invalid(JsonNode schema, String problem) {
        return new Result(schema, List.of(problem));
    }

    /** json-schema.org URIs as people write them: with or without the trailing '#', http or https. */
    private static boolean sameUri(String written, String id) {
        return strip(written).equals(strip(id));
    }

    private static String strip(String uri) {
        String s = uri.strip();
        if (s.endsWith("#")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.replaceFirst("^https?://", "");
    }
}
