package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.schemas.kafka.Topics;

/** KEDA scales the worker on its group's lag on the tasks topic, up to the topic's partitions. */
class AutoscalingTest {

    static List<String> overlaysWithKeda() {
        return Repo.overlays().stream().filter(o -> !Rendered.overlay(o).kind("ScaledObject").isEmpty()).toList();
    }

    @Test
    void shouldAutoscaleTheWorkerInProd() {
        assertThat(Rendered.overlay("prod").kind("ScaledObject")).extracting(Rendered::name)
                .containsExactly("llm-worker-service");
    }

    @ParameterizedTest
    @MethodSource("overlaysWithKeda")
    void shouldScaleTheWorkerOnTaskLagUpToThePartitionCount(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        JsonNode scaled = rendered.get("ScaledObject", "llm-worker-service");
        JsonNode trigger = scaled.at("/spec/triggers/0");
        String workerGroup = Repo.resolved("llm-worker-service", "conveyor.worker.group-id", Map.of());

        assertThat(scaled.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
        assertThat(rendered.find("Deployment", scaled.at("/spec/scaleTargetRef/name").asText())).isPresent();
        assertThat(scaled.at("/spec/maxReplicaCount").asInt()).as("one worker per partition at most")
                .isEqualTo(Topics.LLM_TASKS.partitions());
        assertThat(scaled.at("/spec/minReplicaCount").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        assertThat(trigger.at("/metadata/topic").asText()).isEqualTo(Topics.LLM_TASKS.name());
        assertThat(trigger.at("/metadata/consumerGroup").asText()).isEqualTo(workerGroup);
        assertThat(trigger.at("/metadata/allowIdleConsumers").asText()).isEqualTo("false");
        assertThat(trigger.at("/metadata/bootstrapServers").asText())
                .isEqualTo(rendered.configMap("conveyor-kafka").get("KAFKA_BOOTSTRAP_SERVERS"));
    }

    @ParameterizedTest
    @MethodSource("overlaysWithKeda")
    void shouldAuthenticateTheScalerAsItsOwnKafkaUser(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        JsonNode trigger = rendered.get("ScaledObject", "llm-worker-service").at("/spec/triggers/0");
        JsonNode auth = rendered.get("TriggerAuthentication", trigger.at("/authenticationRef/name").asText());
        JsonNode password = auth.at("/spec/secretTargetRef/0");
        JsonNode username = auth.at("/spec/configMapTargetRef/0");

        assertThat(trigger.at("/metadata/sasl").asText()).isEqualTo("scram_sha512");
        assertThat(rendered.get("Kafka", "conveyor").at("/spec/kafka/listeners/0/authentication/type").asText())
                .isEqualTo("scram-sha-512");
        assertThat(password.path("parameter").asText()).isEqualTo("password");
        assertThat(password.path("name").asText()).isEqualTo(Declared.KEDA.principal);
        assertThat(username.path("parameter").asText()).isEqualTo("username");
        assertThat(rendered.configMap(username.path("name").asText()).get(username.path("key").asText()))
                .isEqualTo(Declared.KEDA.principal);
    }
}
