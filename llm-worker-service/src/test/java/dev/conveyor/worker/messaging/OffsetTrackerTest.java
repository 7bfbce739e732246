package dev.conveyor.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void shouldCommitOnlyBelowTheOldestTaskInFlight() {
        for (long o = 10; o < 15; o++) {
            tracker.begin(p0, o);
        }
        tracker.done(p0, 11);
        tracker.done(p0, 12);
        assertThat(tracker.committable(null).get(p0)).as("10 is still running").isEqualTo(new OffsetAndMetadata(10));

        tracker.done(p0, 10);

        assertThat(tracker.committable(null).get(p0)).isEqualTo(new OffsetAndMetadata(13));
    }

    @Test
    void shouldCommitPastTheLastTaskWhenAllAreDone() {
        tracker.begin(p0, 7);
        tracker.done(p0, 7);

        assertThat(tracker.committable(null)).containsEntry(p0, new OffsetAndMetadata(8));
    }

    @Test
    void shouldNotOfferWhatIsAlreadyCommitted() {
        tracker.begin(p0, 1);
        tracker.done(p0, 1);
        tracker.committed(tracker.committable(null));

        assertThat(tracker.committable(null)).isEmpty();
    }

    @Test
    void shouldForgetRevokedPartitions() {
        tracker.begin(p0, 1);
        tracker.forget(List.of(p0));
        tracker.done(p0, 1);

        assertThat(tracker.committable(null)).isEmpty();
        assertThat(tracker.pending()).isZero();
    }
}
