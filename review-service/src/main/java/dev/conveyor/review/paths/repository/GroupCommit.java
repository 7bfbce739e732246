package dev.conveyor.review.paths.repository;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Group commit for writes that each answer true or false: a caller that finds no write under way
 * writes what is waiting (its own and any that queued meanwhile) in one go; callers that arrive
 * while a write is under way queue and are written by the next one. Nobody waits for a batch to
 * fill: alone, a write goes out at once with {@code alone} (as without grouping); under
 * concurrency the writes that arrive during one round trip share the next.
 *
 * <p>{@code together} writes a batch all-or-nothing (one transaction) and answers each write's
 * outcome in order. When it fails, each write of the batch is tried again with {@code alone}, so a
 * write that fails alone fails only its own caller, and the others apply as they would have.
 */
public final class GroupCommit<T> {

    /** A waiting caller also looks again after this long: a safety net, it is normally woken. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Function<List<T>, boolean[]> together;
    private final Predicate<T> alone;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending<T>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writing = new ReentrantLock();

    public GroupCommit(Function<List<T>, boolean[]> together, Predicate<T> alone, int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
        }
        this.together = together;
        this.alone = alone;
        this.maxBatch = maxBatch;
    }

    /** Writes {@code item} (alone or with others) and answers its outcome; its failure is rethrown here. */
    public boolean write(T item) {
        Pending<T> mine = new Pending<>(item, Thread.currentThread());
        queue.add(mine);
        while (!mine.done) {
            if (writing.tryLock()) {
                try {
                    // holding the lock, nobody else takes from the queue: mine is in it until written
                    while (!mine.done) {
                        writeBatch(take());
                    }
                } finally {
                    writing.unlock();
                    // who queued during the last write leads the next one
                    Pending<T> next = queue.peek();
                    if (next != null) {
                        LockSupport.unpark(next.thread);
                    }
                }
            } else {
                LockSupport.parkNanos(this, RECHECK_NANOS);
            }
        }
        return mine.outcome();
    }

    /** Writes waiting now (for tests). */
    int waiting() {
        return queue.size();
    }

    private List<Pending<T>> take() {
        List<Pending<T>> batch = new ArrayList<>();
        Pending<T> p;
        while (batch.size() < maxBatch && (p = queue.poll()) != null) {
            batch.add(p);
        }
        return batch;
    }

    private void writeBatch(List<Pending<T>> batch) {
        if (batch.size() == 1) {
            writeAlone(batch.get(0));
            return;
        }
        boolean[] applied;
        try {
            List<T> items = new ArrayList<>(batch.size());
            batch.forEach(p -> items.add(p.item));
            applied = together.apply(items);
            if (applied.length != batch.size()) {
                throw new IllegalStateException("a batch of " + batch.size() + " answered " + applied.length);
            }
        } catch (RuntimeException e) {
            // nothing of the batch was written: each on its own, so only a write at fault fails
            batch.forEach(this::writeAlone);
            return;
        } catch (Error e) {
            // each writer of the batch gets it (the leader too, through its own outcome); nobody is left waiting
            batch.forEach(p -> p.finish(false, e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).finish(applied[i], null);
        }
    }

    private void writeAlone(Pending<T> p) {
        try {
            p.finish(alone.test(p.item), null);
        } catch (RuntimeException | Error e) {
            p.finish(false, e);
        }
    }

    private static final class Pending<T> {
        final T item;
        final Thread thread;
        boolean applied;
        Throwable failure;
        volatile boolean done;

        Pending(T item, Thread thread) {
            this.item = item;
            this.thread = thread;
        }

        void finish(boolean applied, Throwable failure) {
            this.applied = applied;
            this.failure = failure;
            this.done = true; // publishes the two fields above
            if (thread != Thread.currentThread()) {
                LockSupport.unpark(thread);
            }
        }

        boolean outcome() {
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            return applied;
        }
    }
}
