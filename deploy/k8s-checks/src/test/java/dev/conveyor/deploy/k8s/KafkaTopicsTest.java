package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;

/** Every topic in {@link Topics#ALL} has a KafkaTopic with the same partitions, policy and retention. */
class KafkaTopicsTest {

    static List<String> overlays() {
        return Repo.overlays();
    }

    static Map<String, JsonNode> kafkaTopics(Rendered rendered) {
        return rendered.kind("KafkaTopic").stream().collect(Collectors.toMap(
                t -> t.at("/spec/topicName").asText(Rendered.name(t)), Function.identity()));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldHaveAKafkaTopicForExactlyTheTopicsOfTheCode(String overlay) {
        Map<String, JsonNode> topics = kafkaTopics(Rendered.overlay(overlay));

        assertThat(topics.keySet()).as("KafkaTopics in overlay %s vs Topics.ALL", overlay)
                .containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(TopicSpec::name).toList());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldSizeAndConfigureEachTopicAsTopicsSays(String overlay) {
        Map<String, JsonNode> topics = kafkaTopics(Rendered.overlay(overlay));

        assertThat(Topics.ALL).allSatisfy(spec -> {
            JsonNode topic = topics.get(spec.name());
            assertThat(topic).as("KafkaTopic for %s", spec.name()).isNotNull();
            assertThat(topic.at("/spec/partitions").asInt()).as("partitions of %s", spec.name())
                    .isEqualTo(spec.partitions());
            assertThat(config(topic)).as("config of %s", spec.name()).isEqualTo(spec.configs());
            assertThat(topic.at("/metadata/labels/strimzi.io~1cluster").asText()).isEqualTo("conveyor");
        });
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void shouldReplicateTopicsAsTheServicesAndTheBrokersAreTold(String overlay) {
        Rendered rendered = Rendered.overlay(overlay);
        int servicesFactor = Integer.parseInt(rendered.configMap("conveyor-kafka").get("CONVEYOR_KAFKA_REPLICATION_FACTOR"));
        JsonNode brokerConfig = rendered.get("Kafka", "conveyor").at("/spec/kafka/config");
        int brokers = rendered.kind("KafkaNodePool").stream()
                .filter(pool -> pool.at("/spec/roles").toString().contains("broker"))
                .mapToInt(pool -> pool.at("/spec/replicas").asInt()).sum();

        assertThat(kafkaTopics(rendered).values())
                .allSatisfy(t -> assertThat(t.at("/spec/replicas").asInt()).as("replicas of %s", Rendered.name(t))
                        .isEqualTo(servicesFactor));
        assertThat(brokerConfig.path("default.replication.factor").asInt()).isEqualTo(servicesFactor);
        assertThat(brokerConfig.path("offsets.topic.replication.factor").asInt()).isEqualTo(servicesFactor);
        assertThat(brokerConfig.path("transaction.state.log.replication.factor").asInt()).isEqualTo(servicesFactor);
        assertThat(brokers).as("brokers to hold %d replicas", servicesFactor).isGreaterThanOrEqualTo(servicesFactor);
        // acks=all must survive one broker down, and cannot ask for more replicas than exist
        int minIsr = brokerConfig.path("min.insync.replicas").asInt();
        assertThat(minIsr).isBetween(1, Math.max(1, servicesFactor - 1));
        assertThat(brokerConfig.path("transaction.state.log.min.isr").asInt()).isEqualTo(minIsr);
    }

    private static Map<String, String> config(JsonNode topic) {
        Map<String, String> config = new LinkedHashMap<>();
        topic.at("/spec/config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }
}
