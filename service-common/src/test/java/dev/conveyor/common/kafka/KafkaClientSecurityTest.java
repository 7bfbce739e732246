package dev.conveyor.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class KafkaClientSecurityTest {

    @Test
    void shouldPassTheConfiguredSecuritySettingsToHandBuiltClients() {
        Map<String, String> config = Map.of(
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "kafka.bootstrap.servers", "elsewhere:9092");

        assertThat(KafkaClientSecurity.from(key -> Optional.ofNullable(config.get(key)))).containsExactly(
                Map.entry("security.protocol", "SASL_PLAINTEXT"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;"));
    }

    @Test
    void shouldAddNothingWhenNothingOrBlanksAreConfigured() {
        Map<String, String> config = Map.of("kafka.sasl.jaas.config", " ");

        assertThat(KafkaClientSecurity.from(key -> Optional.ofNullable(config.get(key)))).isEmpty();
    }
}
