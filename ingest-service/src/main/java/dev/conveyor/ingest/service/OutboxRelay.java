package dev.conveyor.ingest.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.messaging.PublishException;
import dev.conveyor.ingest.messaging.RowPublisher;
import dev.conveyor.ingest.repository.RowOutboxRepository;
import dev.conveyor.ingest.repository.RowOutboxRepository.Entry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes committed outbox entries to {@code conveyor.source-rows}: locks a batch of entries
 * (skipping those another instance holds), publishes their rows in one Kafka transaction, then
 * deletes the entries in the same database transaction. If Kafka fails, the database rolls back
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
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public OutboxRelay(RowOutboxRepository outbox, RowPublisher publisher, IngestConfig config,
            TransactionSynchronizationRegistry transactions) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.config = config;
        this.transactions = transactions;
    }

    void onStart(@Observes StartupEvent event) {
        running = true;
        thread = new Thread(this::run, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        wake.release();
        if (thread != null) {
            thread.join(config.publishTimeout().toMillis() + 5_000);
        }
    }

    /** Called inside an ingest transaction: the relay runs as soon as that transaction has committed. */
    public void wakeUpAfterCommit() {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    wake.release();
                }
            }
        });
    }

    private void run() {
        while (running) {
            boolean more;
            try {
                more = relayOnce() >= config.relayBatchSize();
            } catch (RuntimeException e) {
                LOG.warn("Outbox relay round failed, the entries stay and are retried: {}", e.toString());
                more = false;
            }
            if (!more) {
                try {
                    wake.tryAcquire(config.relayInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * One round: at most {@code relay-batch-size} entries.
     *
     * @return how many entries were published (or parked)
     */
    public int relayOnce() {
        int timeoutSeconds = (int) Math.max(5, 2 * config.publishTimeout().toSeconds() + 5);
        return QuarkusTransaction.requiringNew().timeout(timeoutSeconds).call(() -> {
            List<Entry> entries = outbox.lockNext(config.relayBatchSize());
            if (entries.isEmpty()) {
                return 0;
            }
            try {
                publisher.publish(entries.stream().map(Entry::row).toList(),
                        entries.stream().map(Entry::traceparent).toList());
                outbox.delete(entries.stream().map(Entry::seq).toList());
                return entries.size();
            } catch (PublishException e) {
                if (!e.refused()) {
                    throw e; // the broker is away or slow: roll back, retry next round
                }
                return relayOneByOne(entries);
            }
        });
    }

    /** Kafka refused a record for good: publish the rows singly and park the ones it refuses. */
    private int relayOneByOne(List<Entry> entries) {
        List<Long> published = new ArrayList<>();
        int parked = 0;
        for (Entry entry : entries) {
            try {
                publisher.publish(List.of(entry.row()), java.util.Collections.singletonList(entry.traceparent()));
                published.add(entry.seq());
            } catch (PublishException e) {
                if (!e.refused()) {
                    break; // keep what went through; the rest waits for the next round
                }
                LOG.error("Kafka refused row {} of source {} for good; its outbox entry {} is parked: {}",
                        entry.row().referenceId(), entry.row().sourceConnection(), entry.seq(), e.getMessage());
                outbox.park(entry.seq(), e.getMessage());
                parked++;
            }
        }
        outbox.delete(published);
        return published.size() + parked;
    }
}
