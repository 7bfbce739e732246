package dev.conveyor.review.sessions.messaging;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.conveyor.review.messaging.OutboxRelay;
import dev.conveyor.review.messaging.TopicReplay;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.SessionProjector;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Rebuilds the PostgreSQL view from the topic, in one transaction that holds writers off: sends
 * what the outbox still holds, replays every partition from its beginning to the end offsets of
 * that moment (a bounded replay, not a subscription), keeps one event per (session, seq) (the relay
 * may have sent one twice), folds each session's events in order and replaces the view and the log.
 */
@ApplicationScoped
public class SessionRebuilder {

    private static final Logger LOG = Logger.getLogger(SessionRebuilder.class);

    private final TopicReplay replay;
    private final OutboxRelay relay;
    private final SessionOutbox outbox;
    private final ReviewSessionRepository repository;

    public SessionRebuilder(TopicReplay replay, OutboxRelay relay, SessionOutbox outbox,
            ReviewSessionRepository repository) {
        this.replay = replay;
        this.relay = relay;
        this.outbox = outbox;
        this.repository = repository;
    }

    /** Returns the number of sessions rebuilt. */
    public int rebuildAll() {
        return QuarkusTransaction.requiringNew().timeout(3600).call(() -> {
            // writers lock or insert a session row before they write events: they wait from here on
            repository.lockSessionsAgainstWriters();
            relay.drain(outbox); // its own transaction; it only touches the event log
            Map<String, TreeMap<Long, SessionEvent>> bySession = new HashMap<>();
            replay.replayAll(Topics.REVIEW_SESSION_EVENTS, batch -> batch.forEach(record -> {
                SessionEvent e = SessionEventMapper.fromAvro(record);
                bySession.computeIfAbsent(e.sessionId(), k -> new TreeMap<>()).putIfAbsent(e.seq(), e);
            }));
            List<DatasetReviewSession> sessions = new ArrayList<>();
            List<SessionEvent> all = new ArrayList<>();
            for (TreeMap<Long, SessionEvent> events : bySession.values()) {
                List<SessionEvent> ordered = new ArrayList<>(events.values());
                sessions.add(SessionProjector.fold(ordered));
                all.addAll(ordered);
            }
            all.sort(Comparator.comparing(SessionEvent::occurredAt));
            repository.clearAll();
            sessions.forEach(repository::insert);
            repository.appendPublished(all, Instant.now());
            LOG.infof("Rebuilt %d review sessions from %d events", sessions.size(), all.size());
            return sessions.size();
        });
    }
}
