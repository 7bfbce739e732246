package dev.conveyor.review.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import javax.sql.DataSource;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import dev.conveyor.common.kafka.KafkaClientSecurity;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.common.transactions.AfterCommit;
import dev.conveyor.review.config.ReviewConfig;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Publishes what the aggregates' outboxes hold. A write registers {@link #wakeAfterCommit()}, so
 * the relay starts as soon as the write commits; it then takes a batch of unpublished events,
 * sends them all with an idempotent producer (in order per partition), waits for the broker's
 * acknowledgements and marks them published in the same database transaction. A crash between
 * the acknowledgement and that commit sends the batch again: readers keep one event per
 * (aggregate, version). A PostgreSQL advisory lock lets one instance relay a source at a time, so
 * two instances never interleave one aggregate's events.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final Object WAKE_REGISTERED = new Object();
    private static final String ALL_SOURCES = "*";

    private final KafkaSettings kafka;
    private final ReviewConfig.Outbox config;
    private final Instance<OutboxSource> sources;
    private final TransactionSynchronizationRegistry transactions;
    private final DataSource db;
    private final Semaphore wakeups = new Semaphore(0);
    private final java.util.Set<String> woken = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // the relay thread and a rebuild's drain never send the same batch at once
    private final ReentrantLock relaying = new ReentrantLock();
    private volatile boolean running;
    private KafkaProducer<String, byte[]> producer;
    private int sentLastRound; // relay thread only
    private Thread thread;

    public OutboxRelay(KafkaSettings kafka, ReviewConfig config, Instance<OutboxSource> sources,
            TransactionSynchronizationRegistry transactions, DataSource db) {
        this.kafka = kafka;
        this.config = config.outbox();
        this.sources = sources;
        this.transactions = transactions;
        this.db = db;
    }

    /** After the topics exist (priority 10); leftovers of a crash are relayed at once. */
    void onStart(@Observes @Priority(50) StartupEvent event) {
        producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new ByteArraySerializer());
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (thread != null) {
            wakeups.release();
            try {
                thread.join(config.drainTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Wakes the relay once the current transaction commits (at once outside a transaction). */
    public void wakeAfterCommit() {
        wakeAfterCommit(null);
    }

    /**
     * As above, for one source: the relay then looks only at that source's outbox (the others are
     * still looked at on every poll), so a stream of one aggregate's writes does not also query the
     * other outboxes each round.
     */
    public void wakeAfterCommit(OutboxSource source) {
        String name = source == null ? ALL_SOURCES : source.name();
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            wake(name);
            return;
        }
        Object registered = List.of(WAKE_REGISTERED, name);
        if (transactions.getResource(registered) != null) {
            return; // one wake-up per transaction, however many events it wrote
        }
        transactions.putResource(registered, Boolean.TRUE);
        // after the commit: the events are only visible then
        AfterCommit.run(transactions, () -> wake(name));
    }

    void wake() {
        wake(ALL_SOURCES);
    }

    private void wake(String sourceName) {
        woken.add(sourceName); // before the permit: the round the permit starts sees the name
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    /** The sources woken since the last round; null for all of them. */
    private java.util.Set<String> takeWoken() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (java.util.Iterator<String> it = woken.iterator(); it.hasNext();) {
            names.add(it.next());
            it.remove();
        }
        return names.contains(ALL_SOURCES) || names.isEmpty() ? null : names;
    }

    /**
     * Publishes everything the source holds now, on the caller's thread, waiting for another
     * instance's relay if need be (a rebuild: the topic must hold every committed event first).
     */
    public void drain(OutboxSource source) {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        relaying.lock();
        try {
            while (true) {
                int sent = relayBatch(source);
                if (sent == 0 && QuarkusTransaction.requiringNew().call(() -> source.unpublished(1).isEmpty())) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The " + source.name() + " outbox did not drain within "
                            + config.drainTimeout() + ": is the broker reachable?");
                }
                if (sent <= 0) {
                    TimeUnit.MILLISECONDS.sleep(20); // another instance holds the relay lock: it is sending
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while draining the " + source.name() + " outbox", e);
        } finally {
            relaying.unlock();
        }
    }

    private void loop() {
        Duration wait = config.pollInterval();
        while (running) {
            java.util.Set<String> names;
            try {
                boolean wokenUp = wakeups.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
                names = takeWoken();
                if (!wokenUp) {
                    names = null; // the poll: every source
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                wait = relayAll(names) ? Duration.ofMillis(20) : config.pollInterval();
                if (sentLastRound > 0 && !config.linger().isZero()) {
                    // under a stream of writes, let the next batch gather: fewer, larger sends and
                    // outbox transactions instead of one per commit (the topic trails by at most this)
                    TimeUnit.NANOSECONDS.sleep(config.linger().toNanos());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warnf("Outbox relay failed (%s); the events stay in the outbox and are sent again", e.toString());
                wait = config.retryBackoff();
            }
        }
    }

    /**
     * Relays the sources named (null: every source) until their outboxes are empty; true when
     * another instance held a source's lock.
     */
    private boolean relayAll(java.util.Set<String> names) {
        boolean busy = false;
        sentLastRound = 0;
        relaying.lock();
        try {
            for (OutboxSource source : sources) {
                if (names != null && !names.contains(source.name())) {
                    continue;
                }
                int sent;
                do {
                    sent = relayBatch(source);
                    sentLastRound += Math.max(0, sent);
                } while (sent >= config.batchSize() && running);
                busy |= sent < 0;
            }
        } finally {
            relaying.unlock();
        }
        return busy;
    }

    /** One batch: the number sent, or -1 when another instance is relaying this source. */
    private int relayBatch(OutboxSource source) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (!advisoryLock(source)) {
                return -1;
            }
            List<OutboxSource.OutboxRecord> records = source.unpublished(config.batchSize());
            if (records.isEmpty()) {
                return 0;
            }
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (OutboxSource.OutboxRecord r : records) {
                acks.add(producer.send(new ProducerRecord<>(source.topic(), r.key(), r.value())));
            }
            producer.flush(); // do not wait for linger.ms: the batch is complete
            try {
                for (Future<RecordMetadata> ack : acks) {
                    ack.get();
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("The broker refused an event of " + source.name(), e.getCause());
            }
            source.published(records);
            return records.size();
        });
    }

    private boolean advisoryLock(OutboxSource source) {
        try (var c = db.getConnection();
                var ps = c.prepareStatement("select pg_try_advisory_xact_lock(hashtext(?))")) {
            ps.setString(1, "conveyor-outbox:" + source.name());
            try (var rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot take the relay lock of " + source.name(), e);
        }
    }

    private Properties producerProperties() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5"); // idempotence keeps order up to 5
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 * 1024 * 1024));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "review-outbox-relay");
        return props;
    }
}
