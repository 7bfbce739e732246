package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.messaging.OutboxRelay;
import dev.conveyor.review.sessions.FindingRules;
import dev.conveyor.review.sessions.SessionAccess;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.SessionProjector;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.execution.ExecutionFollowUp;
import dev.conveyor.review.sessions.repository.ReviewSessionRepository;
import dev.conveyor.review.sessions.repository.SessionDocument;
import dev.conveyor.review.sessions.repository.SessionSnapshot;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Runs every command the same way, in one transaction: lock the session, check who asks and the
 * {@code If-Match} version, let the command decide its events, fold them into a working copy of the
 * committed state (readiness recomputed), write what changed in the view and the log (which is the
 * outbox); the relay puts the events on the topic once committed, so the answer never waits for the
 * broker. A command that throws leaves nothing behind, neither in PostgreSQL nor in the cached
 * committed state (it only ever changed its copy).
 */
@ApplicationScoped
public class SessionCommandRunner {

    /** Who asks, and what they may do to a session that is closed. */
    public record Command(String sessionId, String actor, Permission needed, Long ifMatch, boolean allowedWhenClosed) {
    }

    private final ReviewSessionRepository repository;
    private final OutboxRelay relay;

    public SessionCommandRunner(ReviewSessionRepository repository, OutboxRelay relay) {
        this.repository = repository;
        this.relay = relay;
    }

    public DatasetReviewSession read(String sessionId, String user) {
        DatasetReviewSession s = QuarkusTransaction.requiringNew().call(() -> repository.find(parse(sessionId)))
                .orElseThrow(() -> missing(sessionId));
        if (!SessionAccess.canSee(s, user)) {
            throw missing(sessionId);
        }
        return s;
    }

    public List<DatasetReviewSession> visibleTo(String user, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> repository.visibleTo(user, limit));
    }

    public List<SessionEvent> events(String sessionId, String user) {
        read(sessionId, user);
        return QuarkusTransaction.requiringNew().call(() -> repository.events(sessionId));
    }

    /** Starts a session: its first event carries the session's given fields. */
    public DatasetReviewSession create(DatasetReviewSession initial, String actor,
            Function<DatasetReviewSession, List<Change>> then) {
        Result r = QuarkusTransaction.requiringNew().call(() -> {
            List<SessionEvent> events = new ArrayList<>();
            Instant now = SessionClock.now();
            SessionEvent first = event(initial.sessionId, 1, Change.of(SessionEventType.SESSION_STARTED, "session",
                    initial), actor, now);
            DatasetReviewSession s = SessionProjector.apply(null, first);
            events.add(first);
            s = decideAndApply(s, then, actor, events);
            repository.insert(s);
            repository.append(events);
            relay.wakeAfterCommit();
            return new Result(s, events);
        });
        return r.session();
    }

    public DatasetReviewSession run(Command c, Function<DatasetReviewSession, List<Change>> decide) {
        String id = parse(c.sessionId());
        Result r = QuarkusTransaction.requiringNew().call(() -> {
            SessionSnapshot committed = repository.lock(id).orElseThrow(() -> missing(id));
            DatasetReviewSession s = SessionDocument.workingCopy(committed);
            if (!SessionAccess.canSee(s, c.actor())) {
                throw missing(id);
            }
            if (!SessionAccess.allows(s, c.actor(), c.needed())) {
                throw SessionProblems.forbidden("session_id", "your role on this session does not allow this ("
                        + c.needed().name().toLowerCase() + " needed)");
            }
            if (c.ifMatch() != null && c.ifMatch() != s.version) {
                throw SessionProblems.preconditionFailed("If-Match", "the session is at version " + s.version
                        + ", not " + c.ifMatch() + "; read it again and retry");
            }
            if (s.isReadOnly() && !c.allowedWhenClosed()) {
                throw SessionProblems.conflict("status", "the session is " + s.status.wire() + " and read-only");
            }
            List<SessionEvent> events = new ArrayList<>();
            s = decideAndApply(s, decide, c.actor(), events);
            if (!events.isEmpty()) {
                store(committed, s, events);
            }
            return new Result(s, events);
        });
        return r.session();
    }

    /**
     * A change the system makes on its own (an AI answer arriving): no caller to check, and a
     * closed session takes nothing. Returns null when the session does not exist.
     */
    public DatasetReviewSession runAsSystem(String sessionId, String actor,
            Function<DatasetReviewSession, List<Change>> decide) {
        Result r = QuarkusTransaction.requiringNew().call(() -> {
            SessionSnapshot committed = repository.lock(parse(sessionId)).orElse(null);
            DatasetReviewSession s = committed == null ? null : SessionDocument.workingCopy(committed);
            if (s == null || s.isReadOnly()) {
                return new Result(s, List.of());
            }
            List<SessionEvent> events = new ArrayList<>();
            s = decideAndApply(s, decide, actor, events);
            if (!events.isEmpty()) {
                store(committed, s, events);
            }
            return new Result(s, events);
        });
        return r.session();
    }

    /**
     * The view (only the rows the events changed), the log and the relay's wake-up, in the
     * command's transaction.
     */
    private void store(SessionSnapshot committed, DatasetReviewSession s, List<SessionEvent> events) {
        repository.update(committed, s);
        repository.append(events);
        relay.wakeAfterCommit();
    }

    private DatasetReviewSession decideAndApply(DatasetReviewSession s, Function<DatasetReviewSession, List<Change>> decide,
            String actor, List<SessionEvent> events) {
        Instant now = SessionClock.now();
        for (Change change : decide.apply(s)) {
            SessionEvent e = event(s.sessionId, s.version + 1, change, actor, now);
            s = SessionProjector.apply(s, e);
            events.add(e);
        }
        if (!events.isEmpty()) {
            List<ValidationFinding> resolved = FindingRules.satisfied(s, now);
            if (!resolved.isEmpty()) {
                SessionEvent e = event(s.sessionId, s.version + 1,
                        Change.of(SessionEventType.FINDING_UPDATED, "findings", resolved), "system", now);
                s = SessionProjector.apply(s, e);
                events.add(e);
            }
            // the execution part follows in the same command: mappings, risk findings, a stale preview
            int guard = 16;
            for (Change follow = ExecutionFollowUp.next(s, events, now); follow != null && guard-- > 0;
                    follow = ExecutionFollowUp.next(s, events, now)) {
                SessionEvent e = event(s.sessionId, s.version + 1, follow, "system", now);
                s = SessionProjector.apply(s, e);
                events.add(e);
            }
        }
        return s;
    }

    private static SessionEvent event(String sessionId, long seq, Change change, String actor, Instant now) {
        return new SessionEvent(UUID.randomUUID().toString(), sessionId, seq, change.type(), actor,
                SessionJson.tree(change.payload()), now);
    }

    private static String parse(String sessionId) {
        try {
            return UUID.fromString(sessionId).toString();
        } catch (IllegalArgumentException e) {
            throw SessionProblems.notFound("session_id", "no session " + sessionId);
        }
    }

    private static RuntimeException missing(String id) {
        return SessionProblems.notFound("session_id", "no session " + id);
    }

    private record Result(DatasetReviewSession session, List<SessionEvent> events) {
    }
}
