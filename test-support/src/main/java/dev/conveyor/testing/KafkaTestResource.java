package dev.conveyor.testing;

import java.util.Map;

import dev.conveyor.local.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker for {@code @QuarkusTest}s: one embedded KRaft broker per test JVM,
 * shared by every test class that asks for it and stopped when the JVM exits.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedKafka broker;

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = EmbeddedKafka.start();
            EmbeddedKafka started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-kafka-stop"));
        }
        return broker.bootstrapServers();
    }

    @Override
    public Map<String, String> start() {
        String servers = bootstrapServers();
        return Map.of(
                "kafka.bootstrap.servers", servers,
                "quarkus.kafka-streams.bootstrap-servers", servers);
    }

    @Override
    public void stop() {
        // shared across test classes; stopped by the shutdown hook
    }
}
