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
        take(P0, 10, 11, 12);
        ledger.settled(P0, 12);
        ledger.settled(P0, 10);
        ledger.settled(P0, 11);

        assertThat(ledger.commitPoints(List.of(P0))).containsExactly(Map.entry(P0, 13L));
    }

    @Test
    void shouldStopAtTheOldestTaskStillInFlightEvenWhenLaterOnesAreDone() {
        take(P0, 10, 11, 12);
        ledger.settled(P0, 10);
        ledger.settled(P0, 12);

        assertThat(ledger.commitPoints(List.of(P0))).containsExactly(Map.entry(P0, 11L));
    }

    @Test
    void shouldNeverCommitATaskLeftForRedelivery() {
        take(P0, 10, 11, 12);
        ledger.settled(P0, 10);
        ledger.leftForRedelivery(P0, 11);
        ledger.settled(P0, 12);

        assertThat(ledger.commitPoints(List.of(P0))).containsExactly(Map.entry(P0, 11L));
        assertThat(ledger.inFlight()).isZero();
    }

    @Test
    void shouldTakeAgainATaskRedeliveredAfterItWasLeft() {
        take(P0, 5);
        ledger.leftForRedelivery(P0, 5);
        take(P0, 5);
        ledger.settled(P0, 5);

        assertThat(ledger.commitPoints(List.of(P0))).containsExactly(Map.entry(P0, 6L));
    }

    @Test
    void shouldCommitOnlyPartitionsStillAssignedAndTakenFrom() {
        take(P0, 1);
        ledger.settled(P0, 1);
        take(P1, 7);
        ledger.settled(P1, 7);

        assertThat(ledger.commitPoints(List.of(P1, new TopicPartition("conveyor.llm-tasks", 2))))
                .containsExactly(Map.entry(P1, 8L));
    }

    @Test
    void shouldSayHowManyAreStillInFlightWhenTheWaitIsOver() throws InterruptedException {
        take(P0, 1, 2);
        ledger.settled(P0, 1);

        assertThat(ledger.awaitNoneInFlight(Duration.ofMillis(20))).isEqualTo(1);
        ledger.leftForRedelivery(P0, 2);
        assertThat(ledger.awaitNoneInFlight(Duration.ofMillis(20))).isZero();
    }

    private void take(TopicPartition partition, long... offsets) {
        for (long offset : offsets) {
            ledger.taken(partition, offset);
        }
    }
}
