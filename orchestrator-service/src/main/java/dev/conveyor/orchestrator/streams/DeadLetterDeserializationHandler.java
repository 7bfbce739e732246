package dev.conveyor.orchestrator.streams;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.DeadLetters;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.common.kafka.KafkaClientSecurity;

/**
 * A record the topology cannot decode goes to the dead-letter topic with the reason, and the
 * stream goes on with the next one. The dead letter is written before processing continues; if
 * it cannot be written, the stream stops rather than lose the record.
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private KafkaProducer<byte[], RecordDeadLettered> producer;

    @Override
    public void configure(Map<String, ?> configs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, configs.get("bootstrap.servers"));
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "orchestrator-dead-letters");
        producer = new KafkaProducer<>(props, Topics.DEAD_LETTER.keySerde().serializer(),
                Topics.DEAD_LETTER.valueSerde().serializer());
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        String reason = "undecodable record: " + exception.getMessage();
        LOG.warn("orchestrator dead-letters {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
        try {
            producer.send(DeadLetters.of(record, reason, "orchestrator-service")).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new StreamsException("Cannot write a dead letter for " + record.topic() + "-" + record.partition()
                    + "@" + record.offset(), e);
        }
        return DeserializationHandlerResponse.CONTINUE;
    }
}
