package dev.conveyor.common.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import org.junit.jupiter.api.Test;

/** The action runs after a commit only: not after a rollback, and not at all without an active transaction. */
class AfterCommitTest {

    private final List<String> ran = new ArrayList<>();

    @Test
    void shouldRunTheActionOnceTheTransactionCommits() {
        FakeTransaction tx = new FakeTransaction(Status.STATUS_ACTIVE);

        AfterCommit.run(tx, () -> ran.add("kept"));
        assertThat(ran).as("not before the transaction ends").isEmpty();
        tx.complete(Status.STATUS_COMMITTED);

        assertThat(ran).containsExactly("kept");
    }

    @Test
    void shouldNotRunTheActionWhenTheTransactionRollsBack() {
        FakeTransaction tx = new FakeTransaction(Status.STATUS_ACTIVE);

        AfterCommit.run(tx, () -> ran.add("kept"));
        tx.complete(Status.STATUS_ROLLEDBACK);

        assertThat(ran).isEmpty();
    }

    @Test
    void shouldDoNothingWithoutAnActiveTransaction() {
        for (int status : new int[] {Status.STATUS_NO_TRANSACTION, Status.STATUS_MARKED_ROLLBACK}) {
            FakeTransaction tx = new FakeTransaction(status);

            AfterCommit.run(tx, () -> ran.add("kept"));

            assertThat(tx.synchronizations).as("status %d: nothing registered", status).isEmpty();
            assertThat(ran).as("status %d: not run at once either", status).isEmpty();
        }
    }

    /** A registry for one transaction in a given status; {@link #complete} plays its end. */
    private static final class FakeTransaction implements TransactionSynchronizationRegistry {

        private final int status;
        private final Map<Object, Object> resources = new HashMap<>();
        final List<Synchronization> synchronizations = new ArrayList<>();

        FakeTransaction(int status) {
            this.status = status;
        }

        void complete(int outcome) {
            synchronizations.forEach(Synchronization::beforeCompletion);
            synchronizations.forEach(s -> s.afterCompletion(outcome));
        }

        @Override
        public Object getTransactionKey() {
            return this;
        }

        @Override
        public void putResource(Object key, Object value) {
            resources.put(key, value);
        }

        @Override
        public Object getResource(Object key) {
            return resources.get(key);
        }

        @Override
        public void registerInterposedSynchronization(Synchronization sync) {
            synchronizations.add(sync);
        }

        @Override
        public int getTransactionStatus() {
            return status;
        }

        @Override
        public void setRollbackOnly() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean getRollbackOnly() {
            return status == Status.STATUS_MARKED_ROLLBACK;
        }
    }
}
