package dev.conveyor.review.paths.service;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;

import dev.conveyor.common.transactions.AfterCommit;
import dev.conveyor.review.paths.Path;

/**
 * The last committed state of recently changed Paths, so that a write need not read the Path back
 * from its tables. Used only at the version the locked row shows: a state written since by
 * another instance has another version and is simply not used.
 */
@ApplicationScoped
public class RecentPaths {

    static final int CAPACITY = 10_000;

    private final TransactionSynchronizationRegistry transactions;

    public RecentPaths(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    private final Map<String, Path> byId = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Path> eldest) {
            return size() > CAPACITY;
        }
    };

    public synchronized Optional<Path> at(String pathId, long version) {
        Path path = byId.get(pathId);
        return path != null && path.version() == version ? Optional.of(path) : Optional.empty();
    }

    /** Keeps the state once the current transaction commits (never a state that was rolled back). */
    public void remember(Path path) {
        AfterCommit.run(transactions, () -> put(path));
    }

    /** Keeps a state already committed (by a write outside a JTA transaction). */
    public void committed(Path path) {
        put(path);
    }

    private synchronized void put(Path path) {
        Path known = byId.get(path.id());
        if (known == null || known.version() < path.version()) {
            byId.put(path.id(), path);
        }
    }

    public synchronized void forgetAll() {
        byId.clear();
    }
}
