package dev.conveyor.review.sessions.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.config.ReviewSessionsConfig;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.schemas.ReviewSessionEventAppended;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Puts committed events on {@code conveyor.review-session-events}, keyed by session id. Events are
 * committed to PostgreSQL first (the command's answer never waits on a half-written state); an
 * event stays unpublished until the broker acknowledged it, and the relay retries those, so a
 * broker outage or a crash delays the topic but loses nothing. A retry may publish an event twice;
 * readers keep one per (session, seq).
 */
@ApplicationScoped
public class SessionEventPublisher {

    private static final Logger LOG = Logger.getLogger(SessionEventPublisher.class);

    private final Emitter<ReviewSessionEventAppended> emitter;
    private final ReviewSessionRepository repository;
    private final ReviewSessionsConfig config;

    public SessionEventPublisher(@Channel("review-session-events") Emitter<ReviewSessionEventAppended> emitter,
            ReviewSessionRepository repository, ReviewSessionsConfig config) {
        this.emitter = emitter;
        this.repository = repository;
        this.config = config;
    }

    /** Publishes and waits for the acknowledgements; true when all were acknowledged. */
    public boolean publish(List<SessionEvent> events) {
        if (events.isEmpty()) {
            return true;
        }
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (SessionEvent e : events) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            acks.add(ack);
            emitter.send(Message.of(SessionEventMapper.toAvro(e))
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(e.sessionId()).build())
                    .withAck(() -> {
                        ack.complete(null);
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        ack.completeExceptionally(failure);
                        return CompletableFuture.completedFuture(null);
                    }));
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warnf("Session events not acknowledged yet (%s); the relay retries them", e.toString());
            return false;
        }
        List<String> ids = events.stream().map(SessionEvent::eventId).toList();
        QuarkusTransaction.requiringNew().run(() -> repository.markPublished(ids, Instant.now()));
        return true;
    }

    @Scheduled(every = "${conveyor.review-sessions.relay-interval:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void relay() {
        List<SessionEvent> pending = QuarkusTransaction.requiringNew().call(() -> repository.unpublished(500));
        if (!pending.isEmpty()) {
            LOG.infof("Relaying %d unpublished session events", pending.size());
            publish(pending);
        }
    }
}
