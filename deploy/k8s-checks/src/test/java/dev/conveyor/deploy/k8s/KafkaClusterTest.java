package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

/** The services' Kafka client settings match the Strimzi cluster's listener. */
class KafkaClusterTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldPointTheClientsAtTheListenerTheyAuthenticateTo(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        JsonNode kafka = rendered.get("Kafka", "conveyor");
        JsonNode listener = kafka.at("/spec/kafka/listeners/0");
        Map<String, String> clients = rendered.configMap("conveyor-kafka");

        assertThat(clients.get("KAFKA_BOOTSTRAP_SERVERS"))
                .isEqualTo(Rendered.name(kafka) + "-kafka-bootstrap:" + listener.path("port").asInt());
        assertThat(listener.path("type").asText()).isEqualTo("internal");
        assertThat(listener.at("/authentication/type").asText()).isEqualTo("scram-sha-512");
        assertThat(clients.get("KAFKA_SASL_MECHANISM")).isEqualTo("SCRAM-SHA-512");
        assertThat(clients.get("KAFKA_SECURITY_PROTOCOL"))
                .isEqualTo(listener.path("tls").asBoolean() ? "SASL_SSL" : "SASL_PLAINTEXT");
        assertThat(kafka.at("/spec/kafka/authorization/type").asText()).as("ACLs enforced").isEqualTo("simple");
        assertThat(kafka.at("/spec/kafka/config/auto.create.topics.enable").asBoolean(true)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldLetOnlyTheServicesAndKedaReachTheBrokers(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        JsonNode peers = rendered.get("Kafka", "conveyor").at("/spec/kafka/listeners/0/networkPolicyPeers");

        assertThat(Declared.SERVICES).allSatisfy(service -> {
            Map<String, String> podLabels = WorkloadTest.labels(
                    rendered.workload(service.name()).at("/spec/template/metadata/labels"));
            assertThat(peers).as("%s may reach the brokers", service.name()).anySatisfy(peer -> {
                assertThat(peer.at("/podSelector/matchLabels").isObject()).isTrue();
                assertThat(peer.has("namespaceSelector")).isFalse();
                assertThat(podLabels).containsAllEntriesOf(WorkloadTest.labels(peer.at("/podSelector/matchLabels")));
            });
        });
    }
}
