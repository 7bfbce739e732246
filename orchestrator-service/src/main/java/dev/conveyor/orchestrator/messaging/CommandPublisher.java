package dev.conveyor.orchestrator.messaging;

import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.common.kafka.KafkaClientSecurity;

/** Publishes workflow definitions and run commands, and returns only once the broker has them. */
@ApplicationScoped
public class CommandPublisher {

    private final KafkaProducer<String, byte[]> producer;

    public CommandPublisher(KafkaSettings kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    public <V> void publish(TopicSpec<String, V> topic, String key, V value) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw unavailable(topic, e);
        }
    }

    private static ProblemException unavailable(TopicSpec<?, ?> topic, Exception e) {
        return new ProblemException(Problem.of(503, "Kafka unavailable",
                "Could not publish to " + topic.name() + ": " + e.getMessage()));
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
