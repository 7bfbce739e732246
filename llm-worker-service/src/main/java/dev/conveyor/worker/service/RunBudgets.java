package dev.conveyor.worker.service;

import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.schemas.TaskIssued;

/**
 * Holds a call's estimated tokens and cost against its run's budget before the call and settles
 * what it used after ({@link BudgetLedger}), so that a run overshoots its budget by at most one
 * call's reservation however many calls and instances are in flight. A call whose run has spent
 * its budget is refused: its task ends Skipped, as the tasks of a halted run do, and the
 * orchestrator, which counts the same usage from the results, halts the run. While the budget
 * left is reserved by calls in flight, the call waits for them to settle.
 */
public final class RunBudgets {

    private static final Logger LOG = LoggerFactory.getLogger(RunBudgets.class);
    static final Duration POLL = Duration.ofMillis(100);

    /** A reservation; {@link #refusal} says why the call must not be made. */
    public final class Hold {
        private final String runId;
        private final String reservationId;
        private final BudgetLedger ledger;
        private final String refusal;

        private Hold(String runId, String reservationId, BudgetLedger ledger, String refusal) {
            this.runId = runId;
            this.reservationId = reservationId;
            this.ledger = ledger;
            this.refusal = refusal;
        }

        public Optional<String> refusal() {
            return Optional.ofNullable(refusal);
        }

        /** The call's usage replaces the reservation (zero when it failed). */
        public void settle(long tokens, double costUsd) {
            if (reservationId == null) {
                return;
            }
            try {
                ledger.settle(runId, reservationId, tokens, costUsd);
            } catch (SharedLimits.Unavailable e) {
                LOG.warn("could not settle a call of run {} in the budget ledger ({}); the orchestrator still counts it",
                        runId, e.getMessage());
            }
        }
    }

    private final BudgetLedger ledger;
    private final BudgetLedger fallback = new BudgetLedger.InMemory();
    private final PriceTable prices;
    private final HaltedRuns halted;
    private final Duration lease;

    /**
     * @param ledger the shared ledger (or an in-memory one for a single instance)
     * @param lease how long a reservation holds when its call never settles: longer than a call
     */
    public RunBudgets(BudgetLedger ledger, PriceTable prices, HaltedRuns halted, Duration lease) {
        this.ledger = ledger;
        this.prices = prices;
        this.halted = halted;
        this.lease = lease;
    }

    /** Reserves one call of {@code task} reserving {@code tokens} tokens ({@code promptTokens} of them prompt). */
    public Hold hold(TaskIssued task, String model, long promptTokens, long tokens) throws InterruptedException {
        BudgetLedger.Limits limits = new BudgetLedger.Limits(task.getMaxTokens(), task.getMaxCostUsd());
        if (limits.none()) {
            return new Hold(task.getRunId(), null, ledger, null);
        }
        double cost = prices.cost(model, (int) Math.min(Integer.MAX_VALUE, promptTokens),
                (int) Math.min(Integer.MAX_VALUE, Math.max(0, tokens - promptTokens)));
        while (true) {
            Optional<String> haltedBecause = halted.reason(task.getRunId());
            if (haltedBecause.isPresent()) {
                return new Hold(task.getRunId(), null, ledger, "run halted: " + haltedBecause.get());
            }
            BudgetLedger used = ledger;
            BudgetLedger.Decision decision;
            try {
                decision = ledger.reserve(task.getRunId(), limits, tokens, cost, lease);
            } catch (SharedLimits.Unavailable e) {
                LOG.warn("the budget ledger is unreachable ({}): run {} is held against this instance's calls only",
                        e.getMessage(), task.getRunId());
                used = fallback;
                decision = fallback.reserve(task.getRunId(), limits, tokens, cost, lease);
            }
            if (decision instanceof BudgetLedger.Granted g) {
                return new Hold(task.getRunId(), g.reservationId(), used, null);
            }
            if (decision instanceof BudgetLedger.Exhausted x) {
                return new Hold(task.getRunId(), null, used, x.reason());
            }
            Thread.sleep(POLL.toMillis()); // the budget left is reserved: wait for calls in flight to settle
        }
    }
}
