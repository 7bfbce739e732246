package dev.conveyor.review.messaging;

import java.util.List;

/**
 * One aggregate's transactional outbox: events committed together with the view, not yet on the
 * topic. {@link OutboxRelay} reads, sends and marks them, all in one database transaction of its own.
 */
public interface OutboxSource {

    /** For logs and the advisory lock that lets one instance relay a source at a time. */
    String name();

    /** The topic the events go to, keyed by aggregate id. */
    String topic();

    /** Up to {@code limit} unpublished events in commit order (so in version order per aggregate). */
    List<OutboxRecord> unpublished(int limit);

    /** Marks them published, in the relay's transaction: a crash before its commit sends them again. */
    void published(List<OutboxRecord> records);

    /** An event as it goes on the topic: its outbox row id, the aggregate id as key, the encoded value. */
    record OutboxRecord(String id, String key, byte[] value) {
    }
}
