package dev.conveyor.common.kafka;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The client security settings ({@code kafka.security.protocol}, {@code kafka.sasl.*}) for the Kafka
 * clients a service builds by hand. Quarkus-managed clients (messaging channels, Kafka Streams) read
 * them from configuration on their own; these clients would otherwise connect unauthenticated and be
 * refused by the ACLs of a Kubernetes deployment (deploy/k8s: SCRAM credentials from a KafkaUser Secret).
 */
public final class KafkaClientSecurity {

    /** Kafka client property names; in configuration each is prefixed with {@code kafka.}. */
    static final List<String> KEYS = List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config");

    private KafkaClientSecurity() {
    }

    /** The settings present in the service's configuration (environment included); empty when none are. */
    public static Map<String, String> fromConfig() {
        return from(KafkaClientSecurity::lookup);
    }

    static Map<String, String> from(Function<String, Optional<String>> config) {
        Map<String, String> props = new LinkedHashMap<>();
        for (String key : KEYS) {
            config.apply("kafka." + key).filter(value -> !value.isBlank()).ifPresent(value -> props.put(key, value));
        }
        return props;
    }

    private static Optional<String> lookup(String property) {
        try {
            return ConfigProvider.getConfig().getOptionalValue(property, String.class);
        } catch (LinkageError | IllegalStateException noConfigHere) {
            // A plain JVM without MicroProfile Config (benchmarks, tools): the environment alone.
            return Optional.ofNullable(System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_')));
        }
    }
}
