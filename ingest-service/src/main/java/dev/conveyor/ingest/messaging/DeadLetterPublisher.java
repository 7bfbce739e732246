package dev.conveyor.ingest.messaging;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import dev.conveyor.common.kafka.DeadLetters;
import dev.conveyor.schemas.RecordDeadLettered;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes a record ingest gives up on to {@code conveyor.dead-letter}: the original key and bytes
 * with the reason inside the Avro value, and the reason again in plain-text headers so that
 * {@code kcat -C -t conveyor.dead-letter -f '%h\n'} shows it without decoding Avro.
 */
@ApplicationScoped
public class DeadLetterPublisher {

    public static final String SERVICE = "ingest-service";
    public static final String HEADER_REASON = "dead-letter-reason";
    public static final String HEADER_SERVICE = "dead-letter-service";
    public static final String HEADER_TOPIC = "dead-letter-topic";
    public static final String HEADER_PARTITION = "dead-letter-partition";
    public static final String HEADER_OFFSET = "dead-letter-offset";

    private final MutinyEmitter<RecordDeadLettered> emitter;

    public DeadLetterPublisher(@Channel("dead-letter") MutinyEmitter<RecordDeadLettered> emitter) {
        this.emitter = emitter;
    }

    /** Sends and waits for the broker's acknowledgement, so the caller commits its offset only afterwards. */
    public void send(ConsumerRecord<byte[], byte[]> failed, String reason) {
        RecordDeadLettered event = DeadLetters.event(failed.topic(), failed.partition(), failed.offset(), failed.key(),
                failed.value(), reason, SERVICE);
        RecordHeaders headers = new RecordHeaders();
        headers.add(HEADER_REASON, utf8(reason));
        headers.add(HEADER_SERVICE, utf8(SERVICE));
        headers.add(HEADER_TOPIC, utf8(failed.topic()));
        headers.add(HEADER_PARTITION, utf8(Integer.toString(failed.partition())));
        headers.add(HEADER_OFFSET, utf8(Long.toString(failed.offset())));
        OutgoingKafkaRecordMetadata<byte[]> metadata = OutgoingKafkaRecordMetadata.<byte[]>builder()
                .withKey(failed.key())
                .withHeaders(headers)
                .build();
        emitter.sendMessageAndAwait(Message.of(event).addMetadata(metadata));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
