package dev.conveyor.worker.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Each budgeted run's spend and the reservations of the calls in flight, shared by every worker
 * instance: PostgreSQL in production ({@code repository.PostgresBudgetLedger}), memory within one
 * JVM. A call may start while what is spent plus what is reserved stays under the run's budget,
 * so the run overshoots by at most one call's reservation in all. A store that cannot be reached
 * throws {@link SharedLimits.Unavailable}.
 */
public interface BudgetLedger {

    /** A run's budget; null where it sets no limit. */
    record Limits(Long maxTokens, Double maxCostUsd) {
        public boolean none() {
            return maxTokens == null && maxCostUsd == null;
        }
    }

    /** What a reservation came to. */
    sealed interface Decision {
    }

    /** The call may go; settle the reservation when its usage is known. */
    record Granted(String reservationId) implements Decision {
    }

    /** The budget left is reserved by calls in flight: ask again when they have settled. */
    record Wait() implements Decision {
    }

    /** The run has spent its budget: no further calls. */
    record Exhausted(String reason) implements Decision {
    }

    /**
     * Reserves {@code tokens} and {@code costUsd} against the run's budget; the reservation lapses
     * after {@code lease} (a call that never settles, because its worker died, frees it then).
     */
    Decision reserve(String runId, Limits limits, long tokens, double costUsd, Duration lease);

    /** Replaces the reservation by what the call used (nothing, when it failed). */
    void settle(String runId, String reservationId, long tokens, double costUsd);

    /** The decision from the run's figures: spent, and reserved by calls in flight. */
    static Decision decide(Limits limits, long spentTokens, double spentCost, long reservedTokens,
            double reservedCost) {
        StringBuilder reached = new StringBuilder();
        if (limits.maxCostUsd() != null && spentCost >= limits.maxCostUsd()) {
            reached.append(String.format(Locale.ROOT, "spent $%.4f of $%.4f", spentCost, limits.maxCostUsd()));
        }
        if (limits.maxTokens() != null && spentTokens >= limits.maxTokens()) {
            reached.append(reached.length() == 0 ? "" : ", ").append("spent ").append(spentTokens).append(" of ")
                    .append(limits.maxTokens()).append(" tokens");
        }
        if (reached.length() > 0) {
            return new Exhausted("budget reached: " + reached);
        }
        boolean tokensTaken = limits.maxTokens() != null && spentTokens + reservedTokens >= limits.maxTokens();
        boolean costTaken = limits.maxCostUsd() != null && spentCost + reservedCost >= limits.maxCostUsd();
        return tokensTaken || costTaken ? new Wait() : new Granted(UUID.randomUUID().toString());
    }

    /** One JVM's ledgers in memory: the tests', and the fallback while the store is unreachable. */
    final class InMemory implements BudgetLedger {
        private record Held(String runId, long tokens, double cost, long expiresAtNanos) {
        }

        private final Map<String, long[]> spentTokens = new HashMap<>();
        private final Map<String, double[]> spentCost = new HashMap<>();
        private final Map<String, Held> held = new HashMap<>();

        @Override
        public synchronized Decision reserve(String runId, Limits limits, long tokens, double costUsd,
                Duration lease) {
            long now = System.nanoTime();
            held.values().removeIf(h -> now - h.expiresAtNanos() > 0);
            long reservedTokens = 0;
            double reservedCost = 0;
            for (Held h : held.values()) {
                if (h.runId().equals(runId)) {
                    reservedTokens += h.tokens();
                    reservedCost += h.cost();
                }
            }
            Decision d = decide(limits, spentTokens.getOrDefault(runId, new long[1])[0],
                    spentCost.getOrDefault(runId, new double[1])[0], reservedTokens, reservedCost);
            if (d instanceof Granted g) {
                held.put(g.reservationId(), new Held(runId, tokens, costUsd, now + lease.toNanos()));
            }
            return d;
        }

        @Override
        public synchronized void settle(String runId, String reservationId, long tokens, double costUsd) {
            held.remove(reservationId);
            spentTokens.computeIfAbsent(runId, r -> new long[1])[0] += tokens;
            spentCost.computeIfAbsent(runId, r -> new double[1])[0] += costUsd;
        }
    }
}
