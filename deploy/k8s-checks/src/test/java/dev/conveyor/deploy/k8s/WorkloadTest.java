package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How each service's pods run: non-root with a read-only root filesystem, probes on the Quarkus
 * health endpoints, requests and limits, a disruption budget, network policies, a grace period
 * longer than in-flight work, and the overlay's replica and placement rules.
 */
class WorkloadTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldRunEveryServiceAsNonRootWithAReadOnlyRootFilesystem(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            JsonNode pod = rendered.workload(service.name()).at("/spec/template/spec");
            JsonNode container = pod.at("/containers/0");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as("runAsNonRoot %s", service.name()).isTrue();
            assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).isFalse();
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean())
                    .as("readOnlyRootFilesystem %s", service.name()).isTrue();
            assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
            assertThat(container.at("/securityContext/capabilities/drop").toString()).contains("\"ALL\"");
        });
    }

    /**
     * A producer with a transactional id built from an instance id (ingest's outbox relay:
     * conveyor-ingest-<instance-id>) runs as a StatefulSet and takes the id from the pod's name,
     * so a restarted pod reuses its predecessor's id and fences it.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void shouldGiveTransactionalProducersAnIdStableAcrossRestarts(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        int checked = 0;
        for (Declared.Service service : Declared.SERVICES) {
            Map<String, String> props = Repo.properties(service.name());
            // Where transactional ids come from: a channel's settings (from expressions), or the
            // instance property the service declares for the ids it builds in code.
            Map<String, List<String>> sources = new LinkedHashMap<>();
            for (Map.Entry<String, String> p : props.entrySet()) {
                if (p.getKey().endsWith(".transactional.id") && !Expressions.names(p.getValue()).isEmpty()) {
                    sources.put(p.getKey(), List.copyOf(Expressions.names(p.getValue())));
                }
            }
            for (String property : service.kafka().transactionalIdInstanceProperties) {
                assertThat(props).as("%s declares %s", service.name(), property).containsKey(property);
                sources.put(property, List.of(property));
            }
            for (Map.Entry<String, List<String>> p : sources.entrySet()) {
                List<String> naming = p.getValue();
                JsonNode workload = rendered.workload(service.name());
                assertThat(workload.path("kind").asText()).as("%s (%s)", service.name(), p.getKey())
                        .isEqualTo("StatefulSet");
                JsonNode env = workload.at("/spec/template/spec/containers/0/env");
                for (String property : naming) {
                    String name = ServiceConfigurationIT.envForm(property);
                    JsonNode set = java.util.stream.StreamSupport.stream(env.spliterator(), false)
                            .filter(e -> e.path("name").asText().equals(name)).findFirst().orElse(null);
                    assertThat(set).as("%s sets %s (%s)", service.name(), name, property).isNotNull();
                    assertThat(set.at("/valueFrom/fieldRef/fieldPath").asText()).as("%s from the pod name", name)
                            .isEqualTo("metadata.name");
                }
                checked++;
            }
        }
        assertThat(checked).as("ingest's relay is transactional").isPositive();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldProbeTheQuarkusHealthEndpointsOnTheHttpPort(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        Map<String, String> probes = Map.of("startupProbe", "/q/health/started", "readinessProbe", "/q/health/ready",
                "livenessProbe", "/q/health/live");

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            JsonNode container = rendered.workload(service.name()).at("/spec/template/spec/containers/0");
            probes.forEach((probe, path) -> {
                assertThat(container.at("/" + probe + "/httpGet/path").asText()).as("%s of %s", probe, service.name())
                        .isEqualTo(path);
                assertThat(container.at("/" + probe + "/httpGet/port").asText()).isEqualTo("http");
            });
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldRequestAndLimitResources(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            JsonNode resources = rendered.workload(service.name()).at("/spec/template/spec/containers/0/resources");
            assertThat(resources.at("/requests/cpu").isMissingNode()).as("cpu request %s", service.name()).isFalse();
            assertThat(resources.at("/requests/memory").isMissingNode()).isFalse();
            // the JVM sizes its heap from the memory limit (MaxRAMPercentage)
            assertThat(resources.at("/limits/memory").asText()).as("memory limit %s", service.name()).isNotEmpty();
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldBudgetDisruptionsAndPolicyTrafficForEveryService(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            Map<String, String> podLabels = labels(rendered.workload(service.name()).at("/spec/template/metadata/labels"));
            assertThat(rendered.kind("PodDisruptionBudget"))
                    .as("a PodDisruptionBudget selecting %s", service.name())
                    .anySatisfy(pdb -> assertThat(labels(pdb.at("/spec/selector/matchLabels")))
                            .containsEntry("app.kubernetes.io/name", service.name())
                            .satisfies(selector -> assertThat(podLabels).containsAllEntriesOf(selector)));
            assertThat(rendered.kind("NetworkPolicy"))
                    .as("a NetworkPolicy of its own for %s", service.name())
                    .anySatisfy(np -> assertThat(labels(np.at("/spec/podSelector/matchLabels")))
                            .containsEntry("app.kubernetes.io/name", service.name())
                            .satisfies(selector -> assertThat(podLabels).containsAllEntriesOf(selector)));
            JsonNode deny = rendered.get("NetworkPolicy", "conveyor-default-deny");
            assertThat(deny.at("/spec/podSelector/matchExpressions/0/values").toString()).contains("\"" + service.name() + "\"");
            assertThat(deny.at("/spec/ingress").isMissingNode() && deny.at("/spec/egress").isMissingNode()).isTrue();
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldOutliveInFlightWorkOnShutdown(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            JsonNode workload = rendered.workload(service.name());
            Map<String, String> env = environment(rendered, workload.at("/spec/template/spec/containers/0"));
            long grace = workload.at("/spec/template/spec/terminationGracePeriodSeconds").asLong(30);
            for (String property : service.inFlightDurations()) {
                Duration inFlight = duration(Repo.resolved(service.name(), property, env));
                assertThat(grace).as("terminationGracePeriodSeconds of %s vs %s = %s", service.name(), property, inFlight)
                        .isGreaterThan(inFlight.toSeconds() + 5);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldRunOneReplicaInDevAndSpreadReplicasInProd(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            JsonNode workload = rendered.workload(service.name());
            JsonNode replicas = workload.at("/spec/replicas");
            boolean scaledByKeda = rendered.kind("ScaledObject").stream()
                    .anyMatch(so -> so.at("/spec/scaleTargetRef/name").asText().equals(service.name()));
            if (overlay.equals("dev")) {
                assertThat(replicas.asInt()).as("dev replicas of %s", service.name()).isEqualTo(1);
            }
            if (overlay.equals("prod")) {
                if (scaledByKeda) {
                    assertThat(replicas.isMissingNode()).as("%s: KEDA owns the replica count", service.name()).isTrue();
                } else {
                    assertThat(replicas.asInt()).as("prod replicas of %s", service.name()).isGreaterThanOrEqualTo(2);
                }
                JsonNode pod = workload.at("/spec/template/spec");
                assertThat(pod.at("/affinity/podAntiAffinity").isMissingNode()).as("anti-affinity %s", service.name()).isFalse();
                assertThat(pod.at("/topologySpreadConstraints/0/topologyKey").asText()).isEqualTo("topology.kubernetes.io/zone");
            }
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldSetImageTagsInTheBaseOnly(String overlay) {
        String kustomization = Repo.read(Repo.k8s().resolve("overlays").resolve(overlay).resolve("kustomization.yaml"));

        assertThat(kustomization).as("overlay %s sets images (they are named once, in base/kustomization.yaml)", overlay)
                .doesNotContainPattern("(?m)^images:");
    }

    @org.junit.jupiter.api.Test
    void shouldNameEveryServiceImageOnceInTheBase() throws Exception {
        JsonNode base = Rendered.YAML.readTree(Repo.k8s().resolve("base/kustomization.yaml").toFile());
        List<String> images = new java.util.ArrayList<>();
        base.path("images").forEach(i -> images.add(i.path("name").asText()));

        assertThat(images).containsExactlyInAnyOrderElementsOf(
                Declared.SERVICES.stream().map(s -> "conveyor/" + s.name()).toList());
        assertThat(base.path("images")).allSatisfy(i -> assertThat(i.path("newTag").asText()).isNotEmpty());
    }

    static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /** The environment a container sees from its ConfigMaps and literal values (not Secrets). */
    static Map<String, String> environment(Rendered rendered, JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            if (from.has("configMapRef")) {
                env.putAll(rendered.configMap(from.at("/configMapRef/name").asText()));
            }
        }
        for (JsonNode e : container.path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        }
        return env;
    }

    static Duration duration(String text) {
        String t = text.trim();
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        if (t.matches("\\d+ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.matches("\\d+[smhd]")) {
            return Duration.parse((t.endsWith("d") ? "P" : "PT") + t.toUpperCase());
        }
        return Duration.parse(t);
    }
}
