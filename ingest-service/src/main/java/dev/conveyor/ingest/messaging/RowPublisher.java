package dev.conveyor.ingest.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.common.kafka.KafkaClientSecurity;

/**
 * Publishes a batch of rows in one Kafka transaction: read_committed consumers see all of it or
 * nothing. A transactional producer runs one transaction at a time, so batches are published
 * one after the other under a lock.
 */
@ApplicationScoped
public class RowPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RowPublisher.class);
    private static final int LINGER_MS = 5;

    private final KafkaSettings kafka;
    private final Duration timeout;
    /** Unique per instance: two instances sharing an id would fence each other. */
    private final String transactionalId = "conveyor-ingest-" + UUID.randomUUID();
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}; null until started, and after a failure that left it unusable. */
    private KafkaProducer<String, RowIngested> producer;
    private volatile boolean started;

    public RowPublisher(KafkaSettings kafka, IngestConfig ingest) {
        this.kafka = kafka;
        this.timeout = ingest.publishTimeout();
    }

    /** Registers the transactional id with the broker, so that the first request does not pay for it. */
    public void start() {
        lock.lock();
        try {
            producer();
            started = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * True once started. A failed batch does not turn this off: the next batch brings up a new
     * producer, and readiness going down would keep that batch from ever coming.
     */
    public boolean isStarted() {
        return started;
    }

    /**
     * Sends one {@link RowIngested} per row (key: reference id) and commits, or aborts and throws.
     *
     * @throws PublishException when Kafka did not commit the batch; nothing of it is visible then
     */
    public void publish(List<SourceRow> rows) {
        lock.lock();
        try {
            KafkaProducer<String, RowIngested> p = producer();
            p.beginTransaction();
            for (SourceRow row : rows) {
                p.send(new ProducerRecord<>(Topics.SOURCE_ROWS.name(), row.referenceId().toString(),
                        RowEvents.toEvent(row)));
            }
            // Flushes, and throws if any send failed: then nothing of the batch is committed.
            p.commitTransaction();
        } catch (RuntimeException e) {
            // KafkaException mostly; anything else from the producer leaves the transaction open just the same.
            abortOrDiscard();
            boolean tooLarge = causedBy(e, RecordTooLargeException.class);
            throw new PublishException("Kafka did not take the batch of " + rows.size() + " rows: " + e, e, tooLarge);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
                producer = null;
            }
            started = false;
        } finally {
            lock.unlock();
        }
    }

    private KafkaProducer<String, RowIngested> producer() {
        if (producer == null) {
            KafkaProducer<String, RowIngested> created = new KafkaProducer<>(properties(),
                    Topics.SOURCE_ROWS.keySerde().serializer(), Topics.SOURCE_ROWS.valueSerde().serializer());
            try {
                // Also fences an earlier producer of ours left mid-transaction, aborting what it had sent.
                created.initTransactions();
            } catch (RuntimeException e) {
                created.close(Duration.ZERO);
                throw e;
            }
            producer = created;
        }
        return producer;
    }

    /**
     * Aborts the open transaction. When that is not possible (fatal error, or a commit that timed
     * out and may still complete), the producer is dropped and the next batch starts a new one.
     */
    private void abortOrDiscard() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            LOG.warn("Could not abort the Kafka transaction, starting a new producer for the next batch: {}",
                    e.toString());
            producer.close(Duration.ZERO);
            producer = null;
        }
    }

    private Properties properties() {
        int requestTimeoutMs = (int) Math.max(1000, timeout.toMillis() / 2);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
        // A request thread waits on these while it holds a database transaction open: keep them short.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) Math.max(timeout.toMillis(), requestTimeoutMs + LINGER_MS));
        return props;
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
