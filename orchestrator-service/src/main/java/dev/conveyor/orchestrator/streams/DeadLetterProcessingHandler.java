package dev.conveyor.orchestrator.streams;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private DeadLetterWriter deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters = DeadLetterWriter.connect(configs, "orchestrator-processing-dead-letters");
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String reason = "processing failed in " + context.processorNodeId() + ": " + exception;
        LOG.warn("orchestrator dead-letters {}-{}@{}: {}", context.topic(), context.partition(), context.offset(),
                reason);
        RecordDeadLettered letter = DeadLetters.event(context.topic(), context.partition(), context.offset(),
                context.sourceRawKey(), context.sourceRawValue(), reason, DeadLetterWriter.SERVICE);
        try {
            send(new ProducerRecord<>(Topics.DEAD_LETTER.name(), context.sourceRawKey(), letter));
        } catch (Exception e) {
            throw DeadLetterWriter.cannotWrite(context.topic(), context.partition(), context.offset(), e);
        }
        return ProcessingHandlerResponse.CONTINUE;
    }

    /** Writes the dead letter and waits for the broker. */
    void send(ProducerRecord<byte[], RecordDeadLettered> deadLetter) throws Exception {
        deadLetters.send(deadLetter);
    }
}
