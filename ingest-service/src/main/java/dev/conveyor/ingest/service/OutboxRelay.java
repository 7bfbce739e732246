package dev.conveyor.ingest.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.transactions.AfterCommit;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.messaging.PublishException;
import dev.conveyor.ingest.messaging.RowPublisher;
import dev.conveyor.ingest.repository.RowOutboxRepository;
import dev.conveyor.ingest.repository.RowOutboxRepository.Chunk;
import dev.conveyor.ingest.repository.RowOutboxRepository.Entry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes committed outbox chunks to {@code conveyor.source-rows}: locks the oldest chunks
 * (skipping those another instance or worker holds), publishes their rows in one Kafka
 * transaction, then deletes the chunks' entries in the same database transaction.
 * {@code relay-workers} workers run such rounds side by side, each with its own transactional
 * producer, so one round's database work overlaps another's Kafka work; a row is in one chunk, so
 * no two workers ever hold the same row and per-key order is not at stake. If Kafka fails, the database rolls back
 * and the entries wait for the next round; if the process dies after Kafka committed but before
 * the database did, the rows are published again under the same reference ids, which every
 * consumer treats as the same row. Wakes up after each ingest commit, and every
 * {@code relay-interval} otherwise.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final RowOutboxRepository outbox;
    private final RowPublisher publisher;
    private final IngestConfig config;
    private final TransactionSynchronizationRegistry transactions;
    private final List<Semaphore> wake = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public OutboxRelay(RowOutboxRepository outbox, RowPublisher publisher, IngestConfig config,
            TransactionSynchronizationRegistry transactions) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.config = config;
        this.transactions = transactions;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.relayEnabled()) {
            LOG.warn("The outbox relay is off (conveyor.ingest.relay-enabled=false): rows are stored, not published");
            return;
        }
        running = true;
        for (int worker = 0; worker < publisher.workers(); worker++) {
            int id = worker;
            wake.add(new Semaphore(0));
            Thread thread = new Thread(() -> run(id), "outbox-relay-" + worker);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        wake.forEach(Semaphore::release);
        long deadline = System.nanoTime() + (config.publishTimeout().toMillis() + 5_000) * 1_000_000;
        for (Thread thread : threads) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    /**
     * How long chunks an upload claimed are left to it: its Kafka transaction cannot outlive the
     * publishers' transaction timeout, and the broker looks for timed-out ones every 10 s.
     */
    private Duration claimExpiry() {
        return config.uploadPublishTimeout().plusMinutes(1);
    }

    /** Runs a round on every worker now (chunks were given back to the relay). */
    public void wakeUp() {
        wake.forEach(Semaphore::release);
    }

    /** Called inside an ingest transaction: the relay runs as soon as that transaction has committed. */
    public void wakeUpAfterCommit() {
        AfterCommit.run(transactions, this::wakeUp);
    }

    private void run(int worker) {
        Semaphore woken = wake.get(worker);
        boolean ready = false;
        while (running) {
            boolean more;
            try {
                if (!ready) {
                    // Fences this worker's predecessor at once: what it left open stops holding back consumers.
                    publisher.ready(worker);
                    ready = true;
                }
                // Chunks vary in size: go on until a round finds nothing.
                more = relayOnce(worker) > 0;
            } catch (RuntimeException e) {
                LOG.warn("Outbox relay round failed, the entries stay and are retried: {}", e.toString());
                more = false;
            }
            if (!more) {
                try {
                    woken.tryAcquire(config.relayInterval().toMillis(), TimeUnit.MILLISECONDS);
                    woken.drainPermits();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One round on worker 0; see {@link #relayOnce(int)}. */
    public int relayOnce() {
        return relayOnce(0);
    }

    /**
     * One round of worker {@code worker}: the oldest unlocked chunks, up to {@code relay-batch-size}
     * rows (at least one chunk).
     *
     * @return how many rows were published (or parked); at least 1 when a chunk was taken
     */
    public int relayOnce(int worker) {
        int timeoutSeconds = (int) Math.max(5, 2 * config.publishTimeout().toSeconds() + 5);
        return QuarkusTransaction.requiringNew().timeout(timeoutSeconds).call(() -> {
            long started = System.nanoTime();
            List<Chunk> chunks = outbox.lockNext(config.relayBatchSize(), claimExpiry());
            if (chunks.isEmpty()) {
                return 0;
            }
            List<Long> chunkIds = chunks.stream().map(Chunk::id).toList();
            List<Entry> entries = outbox.rowsOf(chunks);
            long locked = System.nanoTime();
            try {
                publisher.publish(worker, entries);
                long published = System.nanoTime();
                outbox.delete(chunkIds);
                if (LOG.isDebugEnabled()) {
                    LOG.debug("Relay worker {}: {} chunks, {} rows, lock+read {} ms, publish {} ms, delete {} ms", worker,
                            chunks.size(), entries.size(), (locked - started) / 1_000_000,
                            (published - locked) / 1_000_000, (System.nanoTime() - published) / 1_000_000);
                }
                return Math.max(1, entries.size());
            } catch (PublishException e) {
                if (!e.refused()) {
                    throw e; // the broker is away or slow: roll back, retry next round
                }
                relayOneByOne(worker, entries);
                outbox.delete(chunkIds);
                return Math.max(1, entries.size());
            }
        });
    }

    /**
     * Kafka refused a record for good: publish the rows singly and park the ones it refuses. Any
     * other failure rolls the round back; rows already sent go out again later under the same
     * reference ids (as after a crash), which every consumer treats as the same row.
     */
    private void relayOneByOne(int worker, List<Entry> entries) {
        for (Entry entry : entries) {
            try {
                publisher.publish(worker, List.of(entry));
            } catch (PublishException e) {
                if (!e.refused()) {
                    throw e;
                }
                LOG.error("Kafka refused row {} of source {} for good; it is parked (table row_parked): {}",
                        entry.referenceId(), entry.sourceConnection(), e.getMessage());
                outbox.park(entry.referenceId(), e.getMessage());
            }
        }
    }
}
