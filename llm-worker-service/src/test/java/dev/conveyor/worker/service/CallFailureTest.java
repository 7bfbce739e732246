package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RateLimitException;

class CallFailureTest {

    @Test
    void shouldRetryWhatTheProviderMayAnswerDifferentlyNextTime() {
        assertThat(CallFailure.of(new RateLimitException("slow down")).kind()).isEqualTo(CallFailure.Kind.RATE_LIMITED);
        assertThat(CallFailure.of(new HttpException(503, "busy")).kind()).isEqualTo(CallFailure.Kind.TRANSIENT);
        assertThat(CallFailure.of(new RuntimeException(new ConnectException("refused"))).kind())
                .isEqualTo(CallFailure.Kind.TRANSIENT);
    }

    @Test
    void shouldGiveUpOnlyWhenTheProviderRefusesTheRequestItself() {
        CallFailure badRequest = CallFailure.of(new HttpException(400, "context too long"));
        assertThat(badRequest.kind()).isEqualTo(CallFailure.Kind.PERMANENT);
        assertThat(badRequest.retryable()).isFalse();
    }

    @Test
    void shouldRetryAClientThatTrippedOverAnAnswerItCouldNotRead() {
        // seen when a connection was cut mid-answer: the client read an empty body
        NullPointerException surprise = new NullPointerException("choices");
        assertThat(CallFailure.of(surprise).retryable()).isTrue();
        assertThat(CallFailure.recognised(surprise)).isFalse();
        assertThat(CallFailure.recognised(new RuntimeException(new HttpException(500, "oops")))).isTrue();
    }
}
