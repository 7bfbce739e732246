package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InvalidRequestException;

class FailureReasonsTest {

    private static final String KEY = "my-secret-key-123";

    private final FailureReasons reasons = new FailureReasons(Optional.of(KEY));

    @Test
    void shouldGiveTheStatusAndTheProvidersMessageForAnHttpError() {
        HttpException http = new HttpException(401,
                "{\"error\":{\"message\":\"Incorrect API key provided: my-secret-key-123\",\"type\":\"auth\"}}");

        String reason = reasons.of(new InvalidRequestException(http));

        assertThat(reason).isEqualTo("model call failed with HTTP 401: Incorrect API key provided: ***");
    }

    @Test
    void shouldKeepABodyThatIsNotJson() {
        assertThat(reasons.of(new HttpException(502, "Bad Gateway")))
                .isEqualTo("model call failed with HTTP 502: Bad Gateway");
    }

    @Test
    void shouldNameTheRootCauseOfOtherFailures() {
        RuntimeException failure = new RuntimeException("wrapped", new ConnectException("Connection refused"));

        assertThat(reasons.of(failure)).isEqualTo("model call failed: ConnectException: Connection refused");
    }

    @Test
    void shouldMaskKeyLikeTokensAndBearerCredentials() {
        String text = "sent Authorization: Bearer abc.def with sk-proj-AbCdEf123456 and " + KEY;

        assertThat(reasons.redact(text))
                .doesNotContain("abc.def").doesNotContain("AbCdEf123456").doesNotContain(KEY)
                .contains("Bearer ***").contains("sk-***");
    }

    @Test
    void shouldCapLongReasons() {
        assertThat(reasons.redact("x".repeat(5000))).hasSize(FailureReasons.MAX_LENGTH + 3);
    }
}
