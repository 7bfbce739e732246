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
        Set<ValidationMessage> messages = compiled(schema).validate(instance);
        return messages.isEmpty() ? List.of()
                : messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    /**
     * The compiled schema: looked up by the node's identity first (a registered workflow's nodes
     * live as long as its cache entry, so an append never serializes the schema to find it), then
     * by its text.
     */
    private static JsonSchema compiled(JsonNode schema) {
        IdentityKey key = new IdentityKey(schema);
        JsonSchema known = BY_NODE.get(key);
        if (known != null) {
            return known;
        }
        JsonSchema compiled = byText(schema);
        if (BY_NODE.size() >= MAX_NODES) {
            BY_NODE.clear(); // nodes of workflows no longer cached (e.g. before a rebuild): start over
        }
        BY_NODE.put(key, compiled);
        return compiled;
    }

    private static final int MAX_NODES = 10_000;
    private static final ConcurrentHashMap<IdentityKey, JsonSchema> BY_NODE = new ConcurrentHashMap<>();

    private record IdentityKey(JsonNode node) {
        @Override
        public boolean equals(Object other) {
            return other instanceof IdentityKey k && k.node == node;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(node);
        }
    }

    private static JsonSchema byText(JsonNode schema) {
        return CACHE.computeIfAbsent(schema.toString(), text -> {
            SpecVersion.VersionFlag version = SpecVersionDetector.detectOptionalVersion(schema, false)
                    .orElse(SpecVersion.VersionFlag.V202012);
            return version == SpecVersion.VersionFlag.V202012 ? DEFAULT.getSchema(schema)
                    : JsonSchemaFactory.getInstance(version).getSchema(schema);
        });
    }
}
