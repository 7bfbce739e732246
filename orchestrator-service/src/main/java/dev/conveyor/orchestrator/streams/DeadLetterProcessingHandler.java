package dev.conveyor.orchestrator.streams;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.KafkaClientSecurity;
import dev.conveyor.common.kafka.DeadLetters;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.kafka.Topics;

/**
 * A record that decodes but makes a processor throw goes to the dead-letter topic with the
 * reason (its source topic, partition, offset and raw bytes), and the stream goes on: without
 * this handler the exception would stop the stream thread. If the dead letter cannot be
 * written, the stream stops rather than lose the record.
 */
public class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private KafkaProducer<byte[], RecordDeadLettered> producer;

    @Override
    public void configure(Map<String, ?> configs) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, configs.get("bootstrap.servers"));
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "orchestrator-processing-dead-letters");
        producer = new KafkaProducer<>(props, Topics.DEAD_LETTER.keySerde().serializer(),
                Topics.DEAD_LETTER.valueSerde().serializer());
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String reason = "processing failed in " + context.processorNodeId() + ": " + exception;
        LOG.warn("orchestrator dead-letters {}-{}@{}: {}", context.topic(), context.partition(), context.offset(),
                reason);
        RecordDeadLettered letter = DeadLetters.event(context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), reason, "orchestrator-service");
        try {
            send(new ProducerRecord<>(Topics.DEAD_LETTER.name(), context.sourceRawKey(), letter));
        } catch (Exception e) {
            throw new StreamsException("Cannot write a dead letter for " + context.topic() + "-"
                    + context.partition() + "@" + context.offset(), e);
        }
        return ProcessingHandlerResponse.CONTINUE;
    }

    /** Writes the dead letter and waits for the broker. */
    void send(ProducerRecord<byte[], RecordDeadLettered> deadLetter) throws Exception {
        producer.send(deadLetter).get(30, TimeUnit.SECONDS);
    }
}
