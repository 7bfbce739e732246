package dev.conveyor.orchestrator.streams;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.StreamsException;

import dev.conveyor.common.kafka.KafkaClientSecurity;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.kafka.Topics;

/**
 * The producer the stream error handlers write dead letters through. Kafka Streams creates the
 * handlers itself from the streams config, so each opens its own producer on the same brokers.
 */
final class DeadLetterWriter {

    static final String SERVICE = "orchestrator-service";

    private final KafkaProducer<byte[], RecordDeadLettered> producer;

    private DeadLetterWriter(KafkaProducer<byte[], RecordDeadLettered> producer) {
        this.producer = producer;
    }

    /** A producer to the brokers of the streams config, acknowledged by all replicas. */
    static DeadLetterWriter connect(Map<String, ?> configs, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, configs.get("bootstrap.servers"));
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return new DeadLetterWriter(new KafkaProducer<>(props, Topics.DEAD_LETTER.keySerde().serializer(),
                Topics.DEAD_LETTER.valueSerde().serializer()));
    }

    /** Writes the dead letter and waits for the broker. */
    void send(ProducerRecord<byte[], RecordDeadLettered> deadLetter) throws Exception {
        producer.send(deadLetter).get(30, TimeUnit.SECONDS);
    }

    /** What a handler throws when the dead letter cannot be written: the stream stops rather than lose it. */
    static StreamsException cannotWrite(String topic, int partition, long offset, Exception cause) {
        return new StreamsException("Cannot write a dead letter for " + topic + "-" + partition + "@" + offset,
                cause);
    }
}
