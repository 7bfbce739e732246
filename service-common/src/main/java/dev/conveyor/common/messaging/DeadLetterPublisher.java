package dev.conveyor.common.messaging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.DeadLetters;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Writes {@link RecordDeadLettered} for a consumed record through the service's
 * {@code dead-letter} channel: the original key and value bytes, where it came from and why it
 * was given up on. The returned stage completes once the broker has the dead letter, so the
 * caller acknowledges the original only then.
 */
public final class DeadLetterPublisher {

    /** The outgoing channel every consuming service declares for {@code conveyor.dead-letter}. */
    public static final String CHANNEL = "dead-letter";

    /** The header SmallRye sets with the raw value of a record its deserializer could not read. */
    static final String UNREADABLE_VALUE = "deserialization-failure-data";
    static final String UNREADABLE_REASON = "deserialization-failure-reason";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final String service;
    private final Supplier<Emitter<Object>> emitter;

    /**
     * @param emitter the {@code dead-letter} channel's emitter, looked up at the first dead letter:
     *        a failure strategy is created while the channels are being wired, before emitters are
     */
    public DeadLetterPublisher(String service, Supplier<Emitter<Object>> emitter) {
        this.service = service;
        this.emitter = emitter;
    }

    public String service() {
        return service;
    }

    /** Dead-letters a record consumed through a channel. */
    public CompletionStage<Void> send(IncomingKafkaRecord<?, ?> record, String reason) {
        byte[] key = record.getKey() == null ? null : String.valueOf(record.getKey()).getBytes(StandardCharsets.UTF_8);
        return send(record.getTopic(), record.getPartition(), record.getOffset(), key, rawValue(record), reason);
    }

    public CompletionStage<Void> send(String topic, int partition, long offset, byte[] key, byte[] value,
            String reason) {
        LOG.warn("{} dead-letters {}-{}@{}: {}", service, topic, partition, offset, reason);
        RecordDeadLettered event = DeadLetters.event(topic, partition, offset, key, value, reason, service);
        CompletableFuture<Void> written = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<byte[]> metadata = OutgoingKafkaRecordMetadata.<byte[]>builder()
                .withKey(key).build();
        emitter.get().send(Message.of(event, Metadata.of(metadata), () -> {
            written.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            written.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return written;
    }

    /** Why the connector's deserializer refused the record, when it did. */
    public static String unreadableReason(Headers headers) {
        Header reason = headers == null ? null : headers.lastHeader(UNREADABLE_REASON);
        return reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8);
    }

    /** The original bytes: kept by the connector when they did not decode, encoded again otherwise. */
    @SuppressWarnings("unchecked")
    static byte[] rawValue(IncomingKafkaRecord<?, ?> record) {
        Header unreadable = record.getHeaders() == null ? null : record.getHeaders().lastHeader(UNREADABLE_VALUE);
        if (unreadable != null) {
            return unreadable.value();
        }
        Object payload = record.getPayload();
        if (payload == null) {
            return null;
        }
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        TopicSpec<?, Object> spec = (TopicSpec<?, Object>) Topics.ALL.stream()
                .filter(t -> t.name().equals(record.getTopic())).findFirst().orElse(null);
        return spec == null ? null : spec.valueSerde().serializer().serialize(record.getTopic(), payload);
    }
}
