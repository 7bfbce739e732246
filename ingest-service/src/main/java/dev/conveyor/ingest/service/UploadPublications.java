package dev.conveyor.ingest.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.messaging.UploadPublisher;
import dev.conveyor.ingest.messaging.UploadPublisher.Publication;
import dev.conveyor.ingest.repository.RowOutboxRepository;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Uploads publish their rows while they stream in, so publishing overlaps storing instead of
 * starting at the commit. Every guarantee of the outbox holds:
 * <ul>
 * <li>the chunks are written to the outbox as always, in the upload's database transaction, claimed
 * by the publisher's transactional id (the relay leaves them alone);</li>
 * <li>database rolled back → the Kafka transaction is aborted: nothing of it is ever visible;</li>
 * <li>database committed → the Kafka transaction is committed, then the chunks are deleted. If
 * Kafka does not commit, the chunks are given back to the relay, which publishes them;</li>
 * <li>killed in between → the next start of this instance fences the publisher's id (Kafka aborts
 * what was open) and gives its chunks back; an instance that never comes back has its claims
 * expire ({@code upload-publish-timeout} + 1 min) and any relay takes them. A Kafka transaction
 * that did commit before the crash is published again by the relay under the same reference
 * ids, as after any crash between Kafka and the database.</li>
 * </ul>
 */
@ApplicationScoped
public class UploadPublications {

    private static final Logger LOG = LoggerFactory.getLogger(UploadPublications.class);

    private final UploadPublisher publisher;
    private final RowOutboxRepository outbox;
    private final OutboxRelay relay;
    private final TransactionSynchronizationRegistry transactions;
    // Commits run after the database commit, off the request thread (which answers meanwhile).
    private final ExecutorService finisher = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "upload-publication");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean ready;

    public UploadPublications(UploadPublisher publisher, RowOutboxRepository outbox, OutboxRelay relay,
            TransactionSynchronizationRegistry transactions) {
        this.publisher = publisher;
        this.outbox = outbox;
        this.relay = relay;
        this.transactions = transactions;
    }

    void onStart(@Observes StartupEvent event) {
        // Off the startup thread: a broker that is away must not hold the service's start.
        finisher.execute(() -> {
            try {
                ready();
            } catch (RuntimeException e) {
                LOG.warn("Upload publishers not ready yet (retried at the next upload): {}", e.toString());
            }
        });
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        finisher.shutdown();
        finisher.awaitTermination(15, TimeUnit.SECONDS);
    }

    /** Fences this instance's publishers' predecessors, then gives back the chunks those had claimed. */
    private synchronized void ready() {
        if (ready || publisher.transactionalIds().isEmpty()) {
            return;
        }
        publisher.ready();
        int released = QuarkusTransaction.requiringNew().call(() -> outbox.releaseClaimsOf(publisher.transactionalIds()));
        if (released > 0) {
            LOG.info("Gave {} outbox chunks an earlier run of this instance's upload publishers had claimed back to the relay",
                    released);
            relay.wakeUp();
        }
        ready = true;
    }

    /**
     * Starts publishing the current transaction's upload: a Kafka transaction that is committed
     * after the database transaction commits and aborted if it rolls back. Empty when publishers
     * are off or all busy (the relay publishes the upload after its commit).
     */
    public Optional<Streaming> open() {
        if (!ready) {
            try {
                ready();
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        Optional<Publication> opened = publisher.open();
        if (opened.isEmpty()) {
            return Optional.empty();
        }
        Streaming streaming = new Streaming(opened.get());
        transactions.registerInterposedSynchronization(streaming);
        return Optional.of(streaming);
    }

    /** One upload being published: the chunks it claimed, finished when its database transaction ends. */
    public final class Streaming implements Synchronization {
        private final Publication publication;
        private final List<Long> chunks = new ArrayList<>();

        private Streaming(Publication publication) {
            this.publication = publication;
        }

        /** The claim to write on the upload's chunks. */
        public String claimedBy() {
            return publication.transactionalId();
        }

        /** A chunk of rows just copied, claimed by {@link #claimedBy()}. */
        public void sent(long chunk, List<SourceRow> rows, String traceparent) {
            chunks.add(chunk);
            publication.send(rows, traceparent);
        }

        @Override
        public void beforeCompletion() {
        }

        @Override
        public void afterCompletion(int status) {
            boolean committed = status == Status.STATUS_COMMITTED;
            try {
                finisher.execute(() -> finish(committed));
            } catch (RejectedExecutionException e) {
                // Shutting down: the next start fences this publisher and gives its chunks back.
                publication.abort();
            }
        }

        private void finish(boolean committed) {
            if (!committed) {
                publication.abort();
                return;
            }
            boolean published = publication.commit();
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    if (published) {
                        outbox.delete(chunks);
                    } else {
                        outbox.release(chunks);
                    }
                });
            } catch (RuntimeException e) {
                LOG.warn("Could not {} the {} outbox chunks of an upload; the relay takes them when the claim expires: {}",
                        published ? "delete" : "release", chunks.size(), e.toString());
            }
            if (!published) {
                relay.wakeUp();
            }
        }
    }
}
