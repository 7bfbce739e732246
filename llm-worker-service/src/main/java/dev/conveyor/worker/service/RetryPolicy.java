package dev.conveyor.worker.service;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before attempt {@code n + 1}: exponential back-off, capped, with jitter (a
 * random point in the upper half, so retries of many tasks spread out), and never less than what
 * the provider asked for in Retry-After.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxElapsed) {

    public Duration delay(int failedAttempts, Optional<Duration> retryAfter) {
        double exponential = baseDelay.toMillis() * Math.pow(2, Math.max(0, failedAttempts - 1));
        long capped = (long) Math.min(maxDelay.toMillis(), exponential);
        long jittered = ThreadLocalRandom.current().nextLong(capped / 2, capped + 1);
        long wanted = retryAfter.map(Duration::toMillis).orElse(0L);
        return Duration.ofMillis(Math.max(jittered, wanted));
    }

    public boolean mayRetry(int failedAttempts, long elapsedNanos, Duration nextDelay) {
        return failedAttempts < maxAttempts && elapsedNanos + nextDelay.toNanos() <= maxElapsed.toNanos();
    }
}
