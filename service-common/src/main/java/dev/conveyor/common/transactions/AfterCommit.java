package dev.conveyor.common.transactions;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/** Runs an action once the current JTA transaction has committed, never after a rollback. */
public final class AfterCommit {

    private AfterCommit() {
    }

    /**
     * Registers {@code action} to run after the current transaction commits. Without an active
     * transaction (none, or one already marked for rollback) nothing is registered and the action
     * never runs: there is no commit to wait for.
     */
    public static void run(TransactionSynchronizationRegistry transactions, Runnable action) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
                // nothing to do before
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }
}
