package dev.conveyor.deploy.k8s;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates one rendered object. Kubernetes' own kinds are read into the fabric8 Kubernetes model
 * (generated from the API's OpenAPI document): a wrong type fails to read, a field the API does
 * not have lands in an {@code additionalProperties} map and is reported. Custom resources are
 * validated against the JSON Schemas in {@code crd-schemas/}. A kind with neither is an error.
 */
final class ObjectValidator {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    static final Map<String, Class<?>> CORE = Map.of(
            "v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class,
            "v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class,
            "v1/Service", io.fabric8.kubernetes.api.model.Service.class,
            "apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class,
            "apps/v1/StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class,
            "policy/v1/PodDisruptionBudget", io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);

    private ObjectValidator() {
    }

    /** The problems found, each naming the object and the path; empty when the object is valid. */
    static List<String> problems(JsonNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String id = Rendered.id(object);
        Class<?> model = CORE.get(type);
        if (model != null) {
            return coreProblems(id, object, model);
        }
        String resource = "crd-schemas/" + type.replaceFirst("/", "_").replace('/', '_') + ".yaml";
        if (ObjectValidator.class.getClassLoader().getResource(resource) == null) {
            return List.of(id + ": no schema for " + type + " (add " + resource + " from the operator's CRD)");
        }
        JsonSchema schema = SCHEMAS.getSchema(SchemaLocation.of("classpath:" + resource));
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : schema.validate(object)) {
            problems.add(id + ": " + message.getMessage());
        }
        return problems;
    }

    private static List<String> coreProblems(String id, JsonNode object, Class<?> model) {
        Object typed;
        try {
            typed = JSON.treeToValue(object, model);
        } catch (Exception e) {
            return List.of(id + ": " + e.getMessage().lines().findFirst().orElse(e.toString()));
        }
        List<String> problems = new ArrayList<>();
        unknownFields(typed, "", problems);
        return problems.stream().map(p -> id + ": unknown field " + p).toList();
    }

    /** Walks the fabric8 model; every non-empty additionalProperties map is a field the API does not know. */
    private static void unknownFields(Object value, String path, List<String> problems) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> problems.add(path + "." + k));
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            unknownFields(child, path + "." + field, problems);
        }
    }
}
