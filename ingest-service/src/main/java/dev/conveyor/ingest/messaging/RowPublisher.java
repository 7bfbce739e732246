package dev.conveyor.ingest.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.repository.RowOutboxRepository.Entry;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import io.smallrye.common.annotation.Identifier;

/**
 * Publishes rows from the outbox to {@code conveyor.source-rows} in one Kafka transaction per call:
 * read_committed consumers see all of it or nothing. Each relay worker has its own transactional
 * producer; the ids are stable per instance and worker ({@link #transactionalId}), so a restarted
 * instance fences its predecessor's workers and aborts whatever they left open. A worker runs one
 * transaction at a time; workers run side by side.
 *
 * <p>A plain transactional {@link KafkaProducer}, not a messaging emitter: the emitter's per-record
 * completion callbacks (context propagation, a Uni each) took about 40% of ingest's CPU at
 * 10,000 rows a transaction (JFR, docs/benchmarks.md).
 */
@ApplicationScoped
public class RowPublisher {

    /**
     * Marks records this relay published: their rows are stored already, so ingest's own consumer
     * of {@code conveyor.source-rows} skips them instead of inserting a million no-ops.
     */
    public static final String HEADER_STORED = "conveyor-stored-by";
    public static final String STORED_BY = "ingest-service";
    /** The W3C trace context the row was stored under, when there was one. */
    public static final String HEADER_TRACEPARENT = "traceparent";

    static final byte[] STORED_BY_BYTES = STORED_BY.getBytes(StandardCharsets.UTF_8);

    private final Map<String, Object> producerConfig;
    private final Duration timeout;
    private final String instanceId;
    private final Slot[] slots;

    public RowPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, IngestConfig config) {
        this.producerConfig = producerConfig(kafka, config);
        this.timeout = config.publishTimeout();
        this.instanceId = config.instanceId();
        this.slots = new Slot[Math.max(1, config.relayWorkers())];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
    }

    /** The settings of ingest's transactional producers (relay workers, upload publishers), without an id. */
    static Map<String, Object> producerConfig(Map<String, Object> kafka, IngestConfig config) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.keySet().removeIf(key -> key.startsWith("group.") || key.startsWith("auto.") || key.contains("deserializer"));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // A round is up to relay-batch-size rows in one transaction: big lz4 batches, sent as they fill.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // One transaction in flight (≤ relay-batch-size rows, a few MB): the pooled buffers stay small.
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.relayMaxRequestSize());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) config.publishTimeout().toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(5000, config.publishTimeout().toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.publishTimeout().toMillis() + 20);
        return Map.copyOf(props);
    }

    /**
     * {@code conveyor-ingest-<instance-id>} for worker 0 (the id a single relay always had, so an
     * upgraded instance still fences what the old one left open), {@code conveyor-ingest-<instance-id>#<worker>}
     * for the others: {@code #} is in no host or pod name, so no instance's worker 0 can take another's id.
     */
    public static String transactionalId(String instanceId, int worker) {
        return "conveyor-ingest-" + instanceId + (worker == 0 ? "" : "#" + worker);
    }

    /** How many workers may publish side by side (one producer each). */
    public int workers() {
        return slots.length;
    }

    /**
     * Makes worker {@code worker}'s producer if there is none yet: fences the predecessor with the
     * same transactional id and aborts what it left open. Workers call it when they start, so a
     * restarted instance unblocks read_committed consumers at once, not only when it next has rows.
     *
     * @throws PublishException when Kafka did not accept the producer (retried later)
     */
    public void ready(int worker) {
        Slot slot = slots[worker];
        synchronized (slot) {
            slot.producer();
        }
    }


    /**
     * Sends one {@link RowIngested} per row (key: reference id) and commits, or aborts and throws.
     *
     * @throws PublishException when Kafka did not commit; nothing of the call is visible then
     */
    public void publish(int worker, List<Entry> rows) {
        Slot slot = slots[worker];
        synchronized (slot) {
            slot.publish(rows);
        }
    }

    /** One worker's transactional producer, made on first use and again after it broke. */
    private final class Slot {
        private final String transactionalId;
        private final String clientId;
        private final RowIngestedEncoder encoder = new RowIngestedEncoder();
        private KafkaProducer<String, byte[]> producer;

        Slot(int worker) {
            this.transactionalId = transactionalId(instanceId, worker);
            this.clientId = "ingest-relay-" + instanceId + (worker == 0 ? "" : "-" + worker);
        }

        void publish(List<Entry> rows) {
            KafkaProducer<String, byte[]> kafka = producer();
            List<Future<RecordMetadata>> sent = new ArrayList<>(rows.size());
            try {
                kafka.beginTransaction();
                for (Entry entry : rows) {
                    sent.add(kafka.send(record(entry.referenceId(), encoder.encode(entry),
                            entry.traceparent() == null ? null : entry.traceparent().getBytes(StandardCharsets.UTF_8))));
                }
                kafka.commitTransaction();
            } catch (RuntimeException e) {
                Throwable cause = firstFailure(sent, e);
                abort(kafka, e);
                throw new PublishException("Kafka did not take " + rows.size() + " rows: " + cause, cause,
                        causedBy(cause, RecordTooLargeException.class) || causedBy(cause, SerializationException.class)
                                || causedBy(cause, RowIngestedEncoder.UnencodableRowException.class));
            }
        }

        /** Aborts; a producer that cannot abort (fenced, broken) is dropped and made anew next round. */
        private void abort(KafkaProducer<String, byte[]> kafka, RuntimeException failure) {
            if (failure instanceof ProducerFencedException || failure instanceof AuthorizationException) {
                close();
                return;
            }
            try {
                kafka.abortTransaction();
            } catch (KafkaException e) {
                close();
            }
        }

        private KafkaProducer<String, byte[]> producer() {
            if (producer == null) {
                KafkaProducer<String, byte[]> created = TransactionalProducers.start(producerConfig, transactionalId,
                        clientId, "the relay's transactional producer");
                producer = created;
            }
            return producer;
        }

        void close() {
            if (producer != null) {
                producer.close(timeout);
                producer = null;
            }
        }
    }

    /**
     * A stored row as published on {@code conveyor.source-rows}: keyed by its reference id, marked
     * as stored by ingest, with the trace context it came in under (or none).
     */
    static ProducerRecord<String, byte[]> record(UUID referenceId, byte[] value, byte[] traceparent) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.SOURCE_ROWS.name(), referenceId.toString(), value);
        record.headers().add(HEADER_STORED, STORED_BY_BYTES);
        if (traceparent != null) {
            record.headers().add(HEADER_TRACEPARENT, traceparent);
        }
        return record;
    }

    /** The first failed send explains a failed commit better than the commit's own message. */
    private static Throwable firstFailure(List<Future<RecordMetadata>> sent, RuntimeException commit) {
        for (Future<RecordMetadata> future : sent) {
            if (future.isDone()) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    return e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return commit;
    }

    @PreDestroy
    void close() {
        for (Slot slot : slots) {
            synchronized (slot) {
                slot.close();
            }
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
