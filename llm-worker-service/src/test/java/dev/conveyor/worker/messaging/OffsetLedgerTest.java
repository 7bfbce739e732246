package dev.conveyor.worker.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("conveyor.llm-tasks", 0);
    private static final TopicPartition P1 = new TopicPartition("conveyor.llm-tasks", 1);

    private final OffsetLedger ledger = new OffsetLedger();

    @Test
    void shouldCommitPastEveryTaskSettledInOrder() {
        on(P0).taken(10, 11, 12).settled(12, 10, 11);

        assertThat(ledger.commitPoints(List.of(P0))).containsExactly(Map.entry(P0, 13L));
    }

    @Test
    void shouldStopAtTheOldestTaskStillInFlightEvenWhenLaterOnesAreDone() {
        on(P0).taken(10, 11, 12).settled(10, 12);

        assertThat(ledger.commitPoints(List.of(P0))).containsExactly(Map.entry(P0, 11L));
    }

    @Test
    void shouldNeverCommitATaskLeftForRedelivery() {
        on(P0).taken(10, 11, 12).settled(10).left(11).settled(12);

        assertThat(ledger.commitPoints(List.of(P0))).containsExactly(Map.entry(P0, 11L));
        assertThat(ledger.inFlight()).isZero();
    }

    @Test
    void shouldTakeAgainATaskRedeliveredAfterItWasLeft() {
        on(P0).taken(5).left(5).taken(5).settled(5);

        assertThat(ledger.commitPoints(List.of(P0))).containsExactly(Map.entry(P0, 6L));
    }

    @Test
    void shouldCommitOnlyPartitionsStillAssignedAndTakenFrom() {
        on(P0).taken(1).settled(1);
        on(P1).taken(7).settled(7);

        assertThat(ledger.commitPoints(List.of(P1, new TopicPartition("conveyor.llm-tasks", 2))))
                .containsExactly(Map.entry(P1, 8L));
    }

    @Test
    void shouldSayHowManyAreStillInFlightWhenTheWaitIsOver() throws InterruptedException {
        on(P0).taken(1, 2).settled(1);

        assertThat(ledger.awaitNoneInFlight(Duration.ofMillis(20))).isEqualTo(1);
        on(P0).left(2);
        assertThat(ledger.awaitNoneInFlight(Duration.ofMillis(20))).isZero();
    }

    /** The ledger's events on one partition, in the order written. */
    private Partition on(TopicPartition partition) {
        return new Partition(partition);
    }

    private final class Partition {
        private final TopicPartition partition;

        Partition(TopicPartition partition) {
            this.partition = partition;
        }

        Partition taken(long... offsets) {
            for (long offset : offsets) {
                ledger.taken(partition, offset);
            }
            return this;
        }

        Partition settled(long... offsets) {
            for (long offset : offsets) {
                ledger.settled(partition, offset);
            }
            return this;
        }

        Partition left(long... offsets) {
            for (long offset : offsets) {
                ledger.leftForRedelivery(partition, offset);
            }
            return this;
        }
    }
}
