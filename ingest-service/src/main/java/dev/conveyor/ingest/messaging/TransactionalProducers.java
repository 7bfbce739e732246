package dev.conveyor.ingest.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Starts ingest's transactional producers (relay workers, upload publishers) under a stable id. */
final class TransactionalProducers {

    private TransactionalProducers() {
    }

    /**
     * A producer with {@code transactionalId}, its transactions initialised: this fences the
     * predecessor with the same id and aborts what it left open. {@code role} names it in the
     * error when Kafka does not accept it.
     */
    static KafkaProducer<String, byte[]> start(Map<String, Object> producerConfig, String transactionalId,
            String clientId, String role) {
        Map<String, Object> props = new HashMap<>(producerConfig);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        KafkaProducer<String, byte[]> created = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        try {
            created.initTransactions();
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw new PublishException("Kafka did not accept " + role + " " + transactionalId + ": " + e, e, false);
        }
        return created;
    }
}
