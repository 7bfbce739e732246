package dev.conveyor.orchestrator.streams;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.DeadLetters;

/**
 * A record the topology cannot decode goes to the dead-letter topic with the reason, and the
 * stream goes on with the next one. The dead letter is written before processing continues; if
 * it cannot be written, the stream stops rather than lose the record.
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private DeadLetterWriter deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetterWriter.connect(configs, "orchestrator-dead-letters");
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        String reason = "undecodable record: " + exception.getMessage();
        LOG.warn("orchestrator dead-letters {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
        try {
            deadLetters.send(DeadLetters.of(record, reason, DeadLetterWriter.SERVICE));
        } catch (Exception e) {
            throw DeadLetterWriter.cannotWrite(record.topic(), record.partition(), record.offset(), e);
        }
        return DeserializationHandlerResponse.CONTINUE;
    }
}
