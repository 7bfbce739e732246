package dev.conveyor.worker.messaging;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets of each partition may be committed when tasks finish out of order: everything
 * below the oldest task still in flight. A slow task holds back only the commit, never the
 * tasks behind it.
 */
final class OffsetTracker {

    private static final class Partition {
        final TreeSet<Long> pending = new TreeSet<>();
        long next = -1;
        long committed = -1;
    }

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    synchronized void begin(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
        p.pending.add(offset);
        p.next = Math.max(p.next, offset + 1);
    }

    synchronized void done(TopicPartition tp, long offset) {
        Partition p = partitions.get(tp);
        if (p != null) {
            p.pending.remove(offset);
        }
    }

    /** Offsets that moved since the last call, ready to commit. */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (only != null && !only.contains(tp)) {
                return;
            }
            long upTo = p.pending.isEmpty() ? p.next : p.pending.first();
            if (upTo > p.committed) {
                offsets.put(tp, new OffsetAndMetadata(upTo));
            }
        });
        return offsets;
    }

    synchronized void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> {
            Partition p = partitions.get(tp);
            if (p != null) {
                p.committed = Math.max(p.committed, o.offset());
            }
        });
    }

    synchronized void forget(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }

    synchronized int pending() {
        return partitions.values().stream().mapToInt(p -> p.pending.size()).sum();
    }
}
