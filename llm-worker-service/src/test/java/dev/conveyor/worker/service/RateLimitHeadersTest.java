package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    @Test
    void shouldReadOpenAisHeaders() {
        Map<String, String> headers = Map.of("x-ratelimit-limit-requests", "500",
                "x-ratelimit-remaining-requests", "499", "x-ratelimit-limit-tokens", "30000",
                "x-ratelimit-remaining-tokens", "29500", "retry-after", "2");

        RateLimitHeaders read = RateLimitHeaders.from(headers::get);

        assertThat(read).isEqualTo(new RateLimitHeaders(500, 499, 30000, 29500, Optional.of(Duration.ofSeconds(2))));
    }

    @Test
    void shouldReadRetryAfterInItsForms() {
        assertThat(RateLimitHeaders.retryAfter(null, "1.5")).contains(Duration.ofMillis(1500));
        assertThat(RateLimitHeaders.retryAfter(null, "6m0s")).contains(Duration.ofMinutes(6));
        assertThat(RateLimitHeaders.retryAfter(null, "20ms")).contains(Duration.ofMillis(20));
        assertThat(RateLimitHeaders.retryAfter("250", "9")).as("retry-after-ms wins").contains(Duration.ofMillis(250));
        assertThat(RateLimitHeaders.retryAfter(null, "soon")).isEmpty();
        assertThat(RateLimitHeaders.from(k -> null).isEmpty()).isTrue();
    }
}
