package dev.conveyor.review.sessions.messaging;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.serialization.Serializer;

import dev.conveyor.review.messaging.OutboxRelay;
import dev.conveyor.review.messaging.OutboxSource;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.schemas.ReviewSessionEventAppended;
import dev.conveyor.schemas.kafka.Topics;

/**
 * The sessions' outbox is their event log: a row with no {@code published_at} is not on
 * {@code conveyor.review-session-events} yet. {@link OutboxRelay} sends such rows keyed by session
 * id and stamps them in one transaction.
 */
@ApplicationScoped
public class SessionOutbox implements OutboxSource {

    private final ReviewSessionRepository repository;
    private final Serializer<ReviewSessionEventAppended> serializer = Topics.REVIEW_SESSION_EVENTS.valueSerde()
            .serializer();

    public SessionOutbox(ReviewSessionRepository repository) {
        this.repository = repository;
    }

    @Override
    public String name() {
        return "review-sessions";
    }

    @Override
    public String topic() {
        return Topics.REVIEW_SESSION_EVENTS.name();
    }

    @Override
    public List<OutboxRecord> unpublished(int limit) {
        return repository.unpublished(limit).stream()
                .map(e -> new OutboxRecord(e.eventId(), e.sessionId(),
                        serializer.serialize(topic(), SessionEventMapper.toAvro(e))))
                .toList();
    }

    @Override
    public void published(List<OutboxRecord> records) {
        repository.markPublished(records.stream().map(OutboxRecord::id).toList(), Instant.now());
    }
}
