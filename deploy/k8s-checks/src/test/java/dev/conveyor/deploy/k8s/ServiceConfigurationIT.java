package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the manifests tell the services is what the services read: every environment variable
 * (literal, from a ConfigMap or a Secret) names a property of the service's configuration or of
 * an extension it is packaged with; ports, probe and metrics paths are the application's.
 */
class ServiceConfigurationIT {

    /** Secrets made by hand (docs/deploy.md), with their keys; every other Secret comes from an operator. */
    static final Map<String, Set<String>> HAND_MADE_SECRETS = Map.of("conveyor-llm", Set.of("api-key"),
            "conveyor-jwt", Set.of("public-key"), "conveyor-superset", Set.of("password"));

    static List<String> overlays() {
        return Repo.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldSetOnlyEnvironmentVariablesTheServiceReads(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        List<String> unread = new ArrayList<>();
        for (Declared.Service service : Declared.SERVICES) {
            Set<String> read = environmentRead(service.name());
            Set<String> runtime = new PackagedService(service.name()).runtimeEnvironment();
            runtime.addAll(mappedEnvironment(service.name()));
            runtime.addAll(microProfileJwtEnvironment(service.name()));
            JsonNode container = rendered.workload(service.name()).at("/spec/template/spec/containers/0");
            Set<String> expandedOnly = expandedOnly(container);
            for (String env : environmentSet(rendered, container)) {
                if (!read.contains(env) && !PackagedService.matches(runtime, env) && !expandedOnly.contains(env)) {
                    unread.add(service.name() + ": " + env);
                }
            }
        }

        assertThat(unread).as("environment variables set in overlay %s that no service reads", overlay).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldConsumeEveryConfigMapKey(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        Set<String> consumed = new TreeSet<>();
        for (Declared.Service service : Declared.SERVICES) {
            JsonNode container = rendered.workload(service.name()).at("/spec/template/spec/containers/0");
            for (JsonNode from : container.path("envFrom")) {
                String name = from.at("/configMapRef/name").asText();
                rendered.configMap(name).keySet().forEach(k -> consumed.add(name + "/" + k));
            }
            for (JsonNode e : container.path("env")) {
                JsonNode ref = e.at("/valueFrom/configMapKeyRef");
                if (!ref.isMissingNode()) {
                    consumed.add(ref.path("name").asText() + "/" + ref.path("key").asText());
                }
            }
        }
        for (JsonNode auth : rendered.kind("TriggerAuthentication")) {
            auth.at("/spec/configMapTargetRef").forEach(r -> consumed.add(r.path("name").asText() + "/" + r.path("key").asText()));
        }
        Set<String> defined = new TreeSet<>();
        rendered.kind("ConfigMap").forEach(cm -> cm.path("data").fieldNames()
                .forEachRemaining(k -> defined.add(Rendered.name(cm) + "/" + k)));

        assertThat(defined).as("ConfigMap keys in overlay %s, each read by a service or KEDA", overlay)
                .containsExactlyInAnyOrderElementsOf(consumed);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldTakeSecretsFromTheOperatorsOrTheDocumentedHandMadeOnes(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            JsonNode container = rendered.workload(service.name()).at("/spec/template/spec/containers/0");
            for (JsonNode e : container.path("env")) {
                JsonNode ref = e.at("/valueFrom/secretKeyRef");
                if (ref.isMissingNode()) {
                    continue;
                }
                String secret = ref.path("name").asText();
                String key = ref.path("key").asText();
                boolean kafkaUser = secret.equals(service.kafka().principal) && Set.of("password", "sasl.jaas.config").contains(key);
                boolean database = service.databaseCluster().map(c -> (c + "-app").equals(secret)).orElse(false)
                        && Set.of("username", "password").contains(key);
                boolean handMade = HAND_MADE_SECRETS.getOrDefault(secret, Set.of()).contains(key);
                assertThat(kafkaUser || database || handMade).as("%s reads Secret %s key %s", service.name(), secret, key).isTrue();
            }
            service.databaseCluster().ifPresent(cluster -> {
                JsonNode initdb = rendered.get("Cluster", cluster).at("/spec/bootstrap/initdb");
                Map<String, String> env = WorkloadTest.environment(rendered, container);
                assertThat(env.get("QUARKUS_DATASOURCE_JDBC_URL")).as("JDBC URL of %s", service.name())
                        .isEqualTo("jdbc:postgresql://" + cluster + "-rw:5432/" + initdb.path("database").asText());
                assertThat(rendered.get("KafkaUser", service.kafka().principal)).isNotNull();
            });
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldExposeTheApplicationsPortWithItsHealthAndMetricsEndpoints(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            PackagedService packaged = new PackagedService(service.name());
            JsonNode workload = rendered.workload(service.name());
            JsonNode container = workload.at("/spec/template/spec/containers/0");
            Map<String, String> env = WorkloadTest.environment(rendered, container);
            int port = Integer.parseInt(Repo.resolved(service.name(), "quarkus.http.port", env));

            assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
            assertThat(container.at("/ports/0/containerPort").asInt()).as("containerPort of %s", service.name()).isEqualTo(port);
            assertThat(rendered.get("Service", service.name()).at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
            // /q/health/* exists: the health extension is packaged and its paths are the defaults
            assertThat(packaged.hasExtension("quarkus-smallrye-health")).as("health extension in %s", service.name()).isTrue();
            assertThat(Repo.properties(service.name())).doesNotContainKeys("quarkus.http.non-application-root-path",
                    "quarkus.smallrye-health.root-path", "quarkus.smallrye-health.liveness-path",
                    "quarkus.smallrye-health.readiness-path", "quarkus.smallrye-health.startup-path");
            // /q/metrics exists: Micrometer's Prometheus registry, at the path the scrapers use
            assertThat(packaged.hasExtension("quarkus-micrometer-registry-prometheus")).as("Prometheus registry in %s", service.name()).isTrue();
            String metrics = Repo.resolved(service.name(), "quarkus.micrometer.export.prometheus.path", env);
            JsonNode annotations = workload.at("/spec/template/metadata/annotations");
            assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(metrics);
            assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(Integer.toString(port));
            rendered.kind("ServiceMonitor").forEach(sm -> assertThat(sm.at("/spec/endpoints/0/path").asText()).isEqualTo(metrics));
            assertThat(packaged.hasExtension("quarkus-opentelemetry")).as("OpenTelemetry in %s", service.name()).isTrue();
        });
    }

    @Test
    void shouldRecogniseMapKeyedExtensionProperties() {
        Set<String> runtime = new PackagedService("review-service").runtimeEnvironment();

        assertThat(PackagedService.matches(runtime, "QUARKUS_DATASOURCE_PASSWORD")).isTrue();
        assertThat(PackagedService.matches(runtime, "QUARKUS_DATASOURCE_PASWORD")).isFalse();
        assertThat(PackagedService.matches(runtime, "QUARKUS_LANGCHAIN4J_OPENAI_API_KEY")).as("not in review-service").isFalse();
        assertThat(PackagedService.matches(new PackagedService("llm-worker-service").runtimeEnvironment(),
                "QUARKUS_LANGCHAIN4J_OPENAI_API_KEY")).isTrue();
    }

    /**
     * Variables a service reads through its application.properties: those its values refer to
     * ({@code ${NAME:default}}) and the environment form of every key it sets (any profile).
     */
    static Set<String> environmentRead(String service) {
        Set<String> read = new TreeSet<>();
        Map<String, String> properties = Repo.properties(service);
        properties.forEach((key, value) -> {
            read.add(envForm(key));
            read.addAll(Expressions.names(value));
        });
        return read;
    }

    /**
     * Every property a service requires at startup without a default (its {@code @ConfigMapping}
     * leaves, service-common's included) is set: by application.properties with a value that
     * resolves to something, or by the manifests. For a map of groups (Superset environments by
     * id), every key the manifests name has each of its required properties set.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void shouldSetEveryPropertyAServiceRequiresWithoutADefault(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        List<String> missing = new ArrayList<>();
        for (Declared.Service service : Declared.SERVICES) {
            JsonNode container = rendered.workload(service.name()).at("/spec/template/spec/containers/0");
            Map<String, String> env = new HashMap<>(WorkloadTest.environment(rendered, container));
            container.path("env").forEach(e -> {
                if (e.has("valueFrom")) { // a Secret, the pod's fields: set, with a value only the cluster knows
                    env.putIfAbsent(e.path("name").asText(), "<from " + e.path("valueFrom").fieldNames().next() + ">");
                }
            });
            Map<String, String> props = Repo.properties(service.name());
            List<ConfigMappings.Leaf> leaves = mappingLeaves(service.name());
            for (ConfigMappings.Leaf leaf : leaves) {
                if (leaf.required() && leaf.map() == null && !isSet(leaf.name(), props, env)) {
                    missing.add(service.name() + ": " + leaf.name());
                }
            }
            // map keys the manifests name: <MAP>__<KEY>__<PROPERTY>
            leaves.stream().filter(l -> l.map() != null).map(ConfigMappings.Leaf::map).distinct().forEach(map -> {
                Pattern entry = Pattern.compile(Pattern.quote(envForm(map)) + "__([A-Z0-9_]+?)__[A-Z0-9_]+");
                env.keySet().stream().map(entry::matcher).filter(Matcher::matches).map(m -> m.group(1)).distinct()
                        .forEach(key -> leaves.stream().filter(l -> map.equals(l.map()) && l.required()).forEach(l -> {
                            String name = envForm(map) + "__" + key + "__" + envForm(l.rest());
                            if (!env.containsKey(name)) {
                                missing.add(service.name() + ": " + name + " (" + map + "." + key.toLowerCase(Locale.ROOT)
                                        + "." + l.rest() + ")");
                            }
                        }));
            });
        }

        assertThat(missing).as("properties required at startup that overlay %s leaves unset", overlay).isEmpty();
    }

    @Test
    void shouldFindTheRequiredPropertiesOfEveryService() {
        assertThat(mappingLeaves("ingest-service")).filteredOn(ConfigMappings.Leaf::required)
                .extracting(ConfigMappings.Leaf::name)
                .contains("conveyor.ingest.instance-id", "conveyor.kafka.bootstrap-servers");
        assertThat(mappingLeaves("review-service")).filteredOn(l -> l.required() && l.map() != null)
                .extracting(ConfigMappings.Leaf::rest).contains("base-url", "username", "password");
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "");
        assertThat(isSet("conveyor.kafka.bootstrap-servers", Repo.properties("llm-worker-service"), env))
                .as("an empty value is no value").isFalse();
    }

    /** The leaves of the service's configuration mappings and service-common's. */
    static List<ConfigMappings.Leaf> mappingLeaves(String service) {
        List<java.nio.file.Path> sources = new ArrayList<>(Repo.javaSources(Repo.module(service).resolve("src/main/java")));
        sources.addAll(Repo.javaSources(Repo.root().resolve("service-common/src/main/java")));
        return ConfigMappings.leaves(sources);
    }

    /** Environment variables of the service's configuration mappings; map entries as patterns. */
    static Set<String> mappedEnvironment(String service) {
        Set<String> names = new TreeSet<>();
        for (ConfigMappings.Leaf leaf : mappingLeaves(service)) {
            names.add(leaf.map() == null ? envForm(leaf.name())
                    : Pattern.quote(envForm(leaf.map())) + "__[A-Z0-9_]+__" + Pattern.quote(envForm(leaf.rest())));
        }
        return names;
    }

    /** MicroProfile JWT's own properties (not in Quarkus' configuration model), when smallrye-jwt is packaged. */
    static Set<String> microProfileJwtEnvironment(String service) {
        if (!new PackagedService(service).hasExtension("quarkus-smallrye-jwt")) {
            return Set.of();
        }
        return Set.of("MP_JWT_VERIFY_PUBLICKEY", "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_PUBLICKEY_ALGORITHM",
                "MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES", "MP_JWT_TOKEN_HEADER", "MP_JWT_TOKEN_COOKIE",
                "MP_JWT_DECRYPT_KEY_LOCATION");
    }

    /** Set by the environment (its own name or its environment form), or by a property that resolves to a value. */
    static boolean isSet(String property, Map<String, String> props, Map<String, String> env) {
        java.util.function.Function<String, String> lookup = name -> env.containsKey(name) ? env.get(name)
                : env.containsKey(envForm(name)) ? env.get(envForm(name)) : props.get(name);
        String value = lookup.apply(property);
        return value != null && !Expressions.resolve(value, lookup).isBlank();
    }

    static String envForm(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static Set<String> environmentSet(Rendered rendered, JsonNode container) {
        Set<String> names = new TreeSet<>();
        for (JsonNode from : container.path("envFrom")) {
            names.addAll(rendered.configMap(from.at("/configMapRef/name").asText()).keySet());
        }
        container.path("env").forEach(e -> names.add(e.path("name").asText()));
        return names;
    }

    /** Variables used only to build other variables' values ({@code $(POD_NAME)}). */
    private static Set<String> expandedOnly(JsonNode container) {
        Set<String> names = new TreeSet<>();
        Map<String, String> values = new HashMap<>();
        container.path("env").forEach(e -> values.put(e.path("name").asText(), e.path("value").asText("")));
        Pattern reference = Pattern.compile("\\$\\(([A-Z0-9_]+)\\)");
        values.values().forEach(v -> {
            Matcher m = reference.matcher(v);
            while (m.find()) {
                names.add(m.group(1));
            }
        });
        return names;
    }
}
