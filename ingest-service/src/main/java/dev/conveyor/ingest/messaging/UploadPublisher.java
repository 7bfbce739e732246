package dev.conveyor.ingest.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.config.IngestConfig;
import io.smallrye.common.annotation.Identifier;

/**
 * Publishes an upload's rows while it streams in: each chunk, once copied into PostgreSQL, is sent
 * in one Kafka transaction that spans the whole upload and is committed only after the database
 * committed (read_committed consumers see nothing of it before). The chunks stay in the outbox,
 * claimed by this producer's transactional id, until that commit; whatever goes wrong on the Kafka
 * side, the relay publishes them instead (see {@code UploadPublication} in the service package).
 *
 * <p>{@code upload-publishers} producers, {@code conveyor-ingest-<instance-id>#u<n>}: stable per
 * instance, so a restarted instance fences what its predecessor left open. An upload that finds
 * them all busy is published by the relay.
 */
@ApplicationScoped
public class UploadPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(UploadPublisher.class);

    private final Map<String, Object> producerConfig;
    private final Duration timeout;
    private final Slot[] slots;
    private final BlockingQueue<Slot> free;
    // Encodes and sends uploads' chunks off the upload threads; each upload's chunks in order.
    private final ExecutorService sender = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "upload-sender");
        thread.setDaemon(true);
        return thread;
    });

    public UploadPublisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, IngestConfig config) {
        Map<String, Object> props = new HashMap<>(RowPublisher.producerConfig(kafka, config));
        // The transaction spans the upload: it must outlive it, or the broker aborts it (then the relay publishes).
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.uploadPublishTimeout().toMillis());
        this.producerConfig = Map.copyOf(props);
        this.timeout = config.publishTimeout();
        int count = config.relayEnabled() ? Math.max(0, config.uploadPublishers()) : 0;
        this.slots = new Slot[count];
        this.free = new ArrayBlockingQueue<>(Math.max(1, count));
        for (int i = 0; i < count; i++) {
            slots[i] = new Slot(transactionalId(config.instanceId(), i), "ingest-upload-" + config.instanceId() + "-" + i);
        }
    }

    /** {@code conveyor-ingest-<instance-id>#u<n>}: no relay worker's id ({@code #<n>}) and no other instance's. */
    public static String transactionalId(String instanceId, int publisher) {
        return "conveyor-ingest-" + instanceId + "#u" + publisher;
    }

    /** The transactional ids of this instance's upload publishers. */
    public List<String> transactionalIds() {
        return java.util.Arrays.stream(slots).map(slot -> slot.transactionalId).toList();
    }

    /**
     * Makes every publisher's producer, fencing its predecessor with the same id (which aborts what
     * that one left open), and makes the publishers available to uploads.
     *
     * @throws PublishException when Kafka did not accept a producer (the caller retries later)
     */
    public synchronized void ready() {
        for (Slot slot : slots) {
            if (!slot.ready) {
                slot.producer();
                slot.ready = true;
                free.add(slot);
            }
        }
    }

    /** A transaction on a free publisher, or empty when none is free (the relay publishes that upload). */
    public Optional<Publication> open() {
        Slot slot = free.poll();
        if (slot == null) {
            return Optional.empty();
        }
        try {
            slot.producer().beginTransaction();
            return Optional.of(new Publication(slot));
        } catch (RuntimeException e) {
            LOG.warn("Upload publisher {} could not begin a transaction; the relay publishes this upload: {}",
                    slot.transactionalId, e.toString());
            slot.close();
            free.add(slot);
            return Optional.empty();
        }
    }

    /**
     * One upload's Kafka transaction. Chunks are encoded and sent on a sender thread, one after
     * the other, while the upload's thread parses and copies the next chunk; the first failure is
     * kept, later sends are skipped, and {@link #commit()} then aborts.
     */
    public final class Publication {
        private final Slot slot;
        private final RowIngestedEncoder encoder = new RowIngestedEncoder();
        private final AtomicReference<Exception> failure = new AtomicReference<>();
        private final Semaphore inFlight = new Semaphore(2);
        private CompletableFuture<Void> sending = CompletableFuture.completedFuture(null);
        private boolean done;

        private Publication(Slot slot) {
            this.slot = slot;
        }

        public String transactionalId() {
            return slot.transactionalId;
        }

        /**
         * Sends the rows of a chunk (already copied into the upload's database transaction) after
         * the chunks before it; the caller hands the list over and does not change it afterwards.
         */
        public synchronized void send(List<SourceRow> rows, String traceparent) {
            // At most two chunks waiting: a sender slower than the upload holds it back, the heap stays flat.
            inFlight.acquireUninterruptibly();
            sending = sending.thenRunAsync(() -> {
                try {
                    sendNow(rows, traceparent);
                } finally {
                    inFlight.release();
                }
            }, sender);
        }

        private void sendNow(List<SourceRow> rows, String traceparent) {
            if (failure.get() != null) {
                return;
            }
            byte[] trace = traceparent == null ? null : traceparent.getBytes(StandardCharsets.UTF_8);
            try {
                for (SourceRow row : rows) {
                    slot.producer.send(RowPublisher.record(row.referenceId(), encoder.encode(row), trace), (metadata, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        }
                    });
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }

        /**
         * Commits (the upload's database transaction has committed).
         *
         * @return whether Kafka committed; when not, nothing of it is visible and the relay must publish the rows
         */
        public boolean commit() {
            if (done) {
                throw new IllegalStateException("already finished");
            }
            done = true;
            try {
                synchronized (this) {
                    sending.join();
                }
                if (failure.get() == null) {
                    slot.producer.commitTransaction();
                    free.add(slot);
                    return true;
                }
                LOG.warn("Upload publisher {} failed to send; the relay publishes the upload: {}", slot.transactionalId,
                        failure.get().toString());
            } catch (RuntimeException e) {
                LOG.warn("Upload publisher {} did not commit; the relay publishes the upload: {}", slot.transactionalId,
                        e.toString());
            }
            slot.abortOrClose();
            return false;
        }

        /** Aborts (the upload's database transaction rolled back). */
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            try {
                synchronized (this) {
                    sending.join();
                }
            } catch (RuntimeException e) {
                // a send that failed: aborted below all the same
            }
            slot.abortOrClose();
        }
    }

    /** One transactional producer, made again after it broke. */
    private final class Slot {
        private final String transactionalId;
        private final String clientId;
        private volatile boolean ready;
        private KafkaProducer<String, byte[]> producer;

        Slot(String transactionalId, String clientId) {
            this.transactionalId = transactionalId;
            this.clientId = clientId;
        }

        synchronized KafkaProducer<String, byte[]> producer() {
            if (producer == null) {
                KafkaProducer<String, byte[]> created = TransactionalProducers.start(producerConfig, transactionalId,
                        clientId, "upload publisher");
                producer = created;
            }
            return producer;
        }

        /**
         * Aborts the open transaction; a producer that cannot (fenced, broken) is closed, which
         * leaves its transaction to be aborted by the next producer with this id or by the broker's
         * timeout. Either way the publisher is free again.
         */
        void abortOrClose() {
            try {
                if (producer != null) {
                    producer.abortTransaction();
                }
            } catch (KafkaException | IllegalStateException e) {
                close();
            } finally {
                free.add(this);
            }
        }

        synchronized void close() {
            if (producer != null) {
                producer.close(timeout);
                producer = null;
            }
        }
    }

    @PreDestroy
    void close() {
        sender.shutdown();
        for (Slot slot : slots) {
            slot.close();
        }
    }
}
