package dev.conveyor.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.conveyor.review.StatusTransition.Decision;

class StatusTransitionTest {

    @ParameterizedTest
    @EnumSource(ResultStatus.class)
    void shouldInsertWhateverArrivesFirst(ResultStatus incoming) {
        assertThat(StatusTransition.decide(null, incoming)).isEqualTo(Decision.INSERT);
    }

    @ParameterizedTest
    @CsvSource({
            "PENDING,   PENDING,   KEEP",
            "PENDING,   COMPLETED, ADVANCE",
            "PENDING,   FAILED,    ADVANCE",
            "PENDING,   SKIPPED,   ADVANCE",
            "COMPLETED, PENDING,   KEEP",
            "COMPLETED, COMPLETED, KEEP",
            "COMPLETED, FAILED,    KEEP",
            "COMPLETED, SKIPPED,   KEEP",
            "FAILED,    PENDING,   KEEP",
            "FAILED,    COMPLETED, KEEP",
            "FAILED,    FAILED,    KEEP",
            "FAILED,    SKIPPED,   KEEP",
            "SKIPPED,   PENDING,   KEEP",
            "SKIPPED,   COMPLETED, KEEP",
            "SKIPPED,   FAILED,    KEEP",
            "SKIPPED,   SKIPPED,   KEEP"
    })
    void shouldOnlyMoveForwardFromPending(ResultStatus stored, ResultStatus incoming, Decision expected) {
        assertThat(StatusTransition.decide(stored, incoming)).isEqualTo(expected);
    }

    @Test
    void shouldNeverRegressATerminalRowWhateverTheArrivalOrder() {
        // duplicates and late arrivals: the first outcome wins and Pending never comes back
        ResultStatus[][] orders = {
                {ResultStatus.PENDING, ResultStatus.COMPLETED},
                {ResultStatus.COMPLETED, ResultStatus.PENDING},
                {ResultStatus.COMPLETED, ResultStatus.PENDING, ResultStatus.FAILED},
                {ResultStatus.PENDING, ResultStatus.PENDING, ResultStatus.COMPLETED, ResultStatus.FAILED}
        };
        for (ResultStatus[] order : orders) {
            ResultStatus stored = null;
            for (ResultStatus incoming : order) {
                Decision decision = StatusTransition.decide(stored, incoming);
                if (decision != Decision.KEEP) {
                    stored = incoming;
                }
            }
            assertThat(stored).as("final status after %s", (Object) order).isEqualTo(ResultStatus.COMPLETED);
        }
    }

    @Test
    void shouldKeepTheFirstOutcomeWhenSkippedAndAnotherOutcomeRace() {
        // a worker skips a task of a halted run while another (redelivered) copy completes it
        ResultStatus[][] orders = {
                {ResultStatus.PENDING, ResultStatus.SKIPPED, ResultStatus.COMPLETED},
                {ResultStatus.SKIPPED, ResultStatus.PENDING, ResultStatus.FAILED},
                {ResultStatus.PENDING, ResultStatus.COMPLETED, ResultStatus.SKIPPED}
        };
        ResultStatus[] expected = {ResultStatus.SKIPPED, ResultStatus.SKIPPED, ResultStatus.COMPLETED};
        for (int i = 0; i < orders.length; i++) {
            ResultStatus stored = null;
            for (ResultStatus incoming : orders[i]) {
                if (StatusTransition.decide(stored, incoming) != Decision.KEEP) {
                    stored = incoming;
                }
            }
            assertThat(stored).as("final status after %s", (Object) orders[i]).isEqualTo(expected[i]);
        }
    }

    @Test
    void shouldRefuseAMissingIncomingStatus() {
        assertThatThrownBy(() -> StatusTransition.decide(ResultStatus.PENDING, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
