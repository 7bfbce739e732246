package dev.conveyor.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;

class DeadLetterFailureHandlerTest {

    @Test
    void shouldLeaveRecordsNackedBecauseTheServiceIsStoppingForRedelivery() {
        assertThat(DeadLetterFailureHandler.isCancellation(new CancellationException("stopping"))).isTrue();
        assertThat(DeadLetterFailureHandler.isCancellation(
                new IllegalStateException("call failed", new InterruptedException()))).isTrue();
        assertThat(DeadLetterFailureHandler.isCancellation(
                new RejectedExecutionException("WorkerPoolRegistry is being shut down"))).isTrue();
    }

    @Test
    void shouldDeadLetterEveryOtherFailureWithItsMessageOrItsType() {
        assertThat(DeadLetterFailureHandler.isCancellation(new IllegalArgumentException("no task_id"))).isFalse();
        assertThat(DeadLetterFailureHandler.reasonOf(new IllegalArgumentException("no task_id")))
                .isEqualTo("no task_id");
        assertThat(DeadLetterFailureHandler.reasonOf(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
