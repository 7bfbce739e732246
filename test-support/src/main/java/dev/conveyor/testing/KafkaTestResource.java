package dev.conveyor.testing;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

import dev.conveyor.local.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker for {@code @QuarkusTest}s, one per test JVM, shared by every test class
 * that asks for it and stopped when the JVM exits: Testcontainers' Kafka module
 * ({@value #IMAGE}) when a Docker engine answers, the in-JVM KRaft broker otherwise. It logs
 * which. {@code -Dconveyor.test.kafka=embedded|container} forces one.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    static final String IMAGE = "apache/kafka:4.1.1";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestResource.class);

    private static String bootstrapServers;

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = useContainer(System.getProperty("conveyor.test.kafka", "auto")) ? container()
                    : embedded();
        }
        return bootstrapServers;
    }

    /** Whether to start a container: when asked to, or ("auto") when a Docker engine answers. */
    static boolean useContainer(String choice) {
        return switch (choice) {
            case "container" -> true;
            case "embedded" -> false;
            default -> dockerAnswers();
        };
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String container() {
        KafkaContainer kafka = new KafkaContainer(IMAGE);
        kafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "kafka-container-stop"));
        LOG.info("Kafka for tests: Testcontainers {} at {}", IMAGE, kafka.getBootstrapServers());
        return kafka.getBootstrapServers();
    }

    private static String embedded() {
        EmbeddedKafka broker = EmbeddedKafka.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "embedded-kafka-stop"));
        LOG.info("Kafka for tests: no Docker engine answers, in-JVM KRaft broker at {}", broker.bootstrapServers());
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
