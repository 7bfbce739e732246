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
    static final Map<String, Set<String>> HAND_MADE_SECRETS = Map.of("conveyor-llm", Set.of("api-key"));

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
