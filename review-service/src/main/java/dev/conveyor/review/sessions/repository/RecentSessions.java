package dev.conveyor.review.sessions.repository;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;

import dev.conveyor.common.transactions.AfterCommit;
import dev.conveyor.review.sessions.config.SessionCacheConfig;

/**
 * The last committed state of recently used sessions, so that a command need not read and parse
 * the session's rows. A snapshot is used only at the version and change time the session's row
 * shows (read under the row lock by commands): a state another instance wrote since has another
 * version and is read from PostgreSQL instead. Bounded by the number of fields and findings held, least recently used
 * first out. Only committed states enter (never one whose transaction rolled back).
 */
@ApplicationScoped
public class RecentSessions {

    private final TransactionSynchronizationRegistry transactions;
    private final int capacity;
    private final Map<String, SessionSnapshot> byId = new LinkedHashMap<>(64, 0.75f, true);
    private long weight;

    public RecentSessions(TransactionSynchronizationRegistry transactions, SessionCacheConfig config) {
        this.transactions = transactions;
        this.capacity = config.maxEntries();
    }

    /** A committed state as its row names it. */
    public record Version(long version, Instant updatedAt) {
    }

    public synchronized Optional<SessionSnapshot> at(String sessionId, Version row) {
        SessionSnapshot s = byId.get(sessionId);
        return s != null && s.version() == row.version() && row.updatedAt().equals(s.state().updatedAt)
                ? Optional.of(s) : Optional.empty();
    }

    /** Keeps the snapshot once the current transaction commits. */
    public void rememberAfterCommit(SessionSnapshot snapshot) {
        if (capacity > 0) {
            AfterCommit.run(transactions, () -> put(snapshot));
        }
    }

    /** A state read from PostgreSQL in a transaction that only read it: already committed. */
    public void remember(SessionSnapshot snapshot) {
        if (capacity > 0) {
            put(snapshot);
        }
    }

    synchronized void put(SessionSnapshot snapshot) {
        SessionSnapshot known = byId.get(snapshot.sessionId());
        if (known != null && known.version() >= snapshot.version()) {
            return;
        }
        if (snapshot.weight() > capacity) {
            return;
        }
        if (known != null) {
            byId.remove(snapshot.sessionId());
            weight -= known.weight();
        }
        byId.put(snapshot.sessionId(), snapshot);
        weight += snapshot.weight();
        Iterator<SessionSnapshot> eldest = byId.values().iterator();
        while (weight > capacity && eldest.hasNext()) {
            weight -= eldest.next().weight();
            eldest.remove();
        }
    }

    public synchronized void forgetAll() {
        byId.clear();
        weight = 0;
    }

    synchronized int size() {
        return byId.size();
    }
}
