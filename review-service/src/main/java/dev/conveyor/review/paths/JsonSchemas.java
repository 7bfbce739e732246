package dev.conveyor.review.paths;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;

/** JSON Schema checks: is a node a valid schema, does an instance satisfy one. Schemas are cached by text. */
public final class JsonSchemas {

    private static final JsonSchemaFactory DEFAULT = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final ConcurrentHashMap<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    private JsonSchemas() {
    }

    /** Problems that make {@code schema} not a JSON Schema (checked against its draft's meta-schema). */
    public static List<String> schemaProblems(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return List.of("must be a JSON Schema object");
        }
        try {
            SpecVersion.VersionFlag version = SpecVersionDetector.detectOptionalVersion(schema, false)
                    .orElse(SpecVersion.VersionFlag.V202012);
            JsonSchemaFactory factory = JsonSchemaFactory.getInstance(version);
            JsonSchema meta = factory.getSchema(SchemaLocation.of(version.getId()));
            Set<ValidationMessage> errors = meta.validate(schema);
            if (!errors.isEmpty()) {
                return errors.stream().map(ValidationMessage::getMessage).sorted().toList();
            }
            factory.getSchema(schema); // compiles: catches what the meta-schema cannot (e.g. bad $ref)
            return List.of();
        } catch (RuntimeException e) {
            return List.of("is not a usable JSON Schema: " + e.getMessage());
        }
    }

    /** Messages of every way {@code instance} fails {@code schema}; empty when valid. */
    public static List<String> violations(JsonNode schema, JsonNode instance) {
        JsonSchema compiled = CACHE.computeIfAbsent(schema.toString(), text -> {
            SpecVersion.VersionFlag version = SpecVersionDetector.detectOptionalVersion(schema, false)
                    .orElse(SpecVersion.VersionFlag.V202012);
            return version == SpecVersion.VersionFlag.V202012 ? DEFAULT.getSchema(schema)
                    : JsonSchemaFactory.getInstance(version).getSchema(schema);
        });
        return compiled.validate(instance).stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
