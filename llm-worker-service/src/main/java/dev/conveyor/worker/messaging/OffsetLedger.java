package dev.conveyor.worker.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.common.TopicPartition;

/**
 * What became of each task record this worker took, per partition: still in flight, settled
 * (its result is on the broker, or it was dead-lettered: its offset may be committed) or left
 * for redelivery (the worker is stopping: it must not be). A stopping worker commits from it
 * itself, because the connector's throttled strategy can lose its last commit on shutdown (see
 * {@link TaskConsumer#drain}).
 *
 * <p>Records of a partition reach the consumer in offset order, so everything below the oldest
 * record not settled has been settled: that record's offset, or one past the highest settled
 * offset when there is none, is the partition's commit point.
 */
final class OffsetLedger {

    private static final class Partition {
        final TreeSet<Long> inFlight = new TreeSet<>();
        final TreeSet<Long> leftForRedelivery = new TreeSet<>();
        long highestSettled = -1;
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    synchronized void taken(TopicPartition partition, long offset) {
        Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
        p.inFlight.add(offset);
        p.leftForRedelivery.remove(offset); // delivered again after a rewind
    }

    /** Its result is on the broker (or it was dead-lettered): the offset may be committed. */
    synchronized void settled(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null && p.inFlight.remove(offset)) {
            p.highestSettled = Math.max(p.highestSettled, offset);
        }
    }

    /** Not done and not to be committed: the next owner of the partition takes it again. */
    synchronized void leftForRedelivery(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        if (p != null && p.inFlight.remove(offset)) {
            p.leftForRedelivery.add(offset);
        }
        notifyAll();
    }

    synchronized int inFlight() {
        return partitions.values().stream().mapToInt(p -> p.inFlight.size()).sum();
    }

    /**
     * Waits until no record is in flight any more (each settled or left), or the time is up.
     *
     * @return the records still in flight
     */
    synchronized int awaitNoneInFlight(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int left;
        while ((left = inFlight()) > 0) {
            long wait = deadline - System.nanoTime();
            if (wait <= 0) {
                break;
            }
            // woken by leftForRedelivery; a settled record is seen at the next bounded re-check
            wait(Math.max(1, Math.min(50, wait / 1_000_000)));
        }
        return left;
    }

    /** The commit point of each of {@code assigned} that this worker took records from. */
    synchronized Map<TopicPartition, Long> commitPoints(Collection<TopicPartition> assigned) {
        Map<TopicPartition, Long> points = new HashMap<>();
        for (TopicPartition tp : assigned) {
            Partition p = partitions.get(tp);
            if (p == null) {
                continue;
            }
            long oldestUnsettled = Math.min(p.inFlight.isEmpty() ? Long.MAX_VALUE : p.inFlight.first(),
                    p.leftForRedelivery.isEmpty() ? Long.MAX_VALUE : p.leftForRedelivery.first());
            if (oldestUnsettled != Long.MAX_VALUE) {
                points.put(tp, oldestUnsettled);
            } else if (p.highestSettled >= 0) {
                points.put(tp, p.highestSettled + 1);
            }
        }
        return points;
    }
}
