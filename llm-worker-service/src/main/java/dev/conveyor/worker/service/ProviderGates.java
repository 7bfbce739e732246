package dev.conveyor.worker.service;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands what the HTTP layer sees (status, rate-limit headers) to the gate of the provider in
 * use. Static because JAX-RS filters of the model client are created outside our beans.
 */
public final class ProviderGates {

    private static final AtomicReference<ProviderGate> CURRENT = new AtomicReference<>();
    private static final AtomicLong RATE_LIMITED = new AtomicLong();
    private static final AtomicLong ANSWERS = new AtomicLong();

    /** Without Retry-After, a 429 holds calls this long (the buckets and back-off do the rest). */
    static final Duration DEFAULT_PAUSE = Duration.ofMillis(500);

    private ProviderGates() {
    }

    public static void use(ProviderGate gate) {
        CURRENT.set(gate);
    }

    public static void signal(int status, RateLimitHeaders headers) {
        ANSWERS.incrementAndGet();
        ProviderGate gate = CURRENT.get();
        if (gate == null) {
            return;
        }
        if (!headers.isEmpty()) {
            gate.observe(headers);
        }
        if (status == 429) {
            RATE_LIMITED.incrementAndGet();
            gate.pauseFor(headers.retryAfter().orElse(DEFAULT_PAUSE));
        } else if (status == 503 && headers.retryAfter().isPresent()) {
            gate.pauseFor(headers.retryAfter().get());
        }
    }

    /** Provider answers with status 429 seen so far, and all answers seen. */
    public static long rateLimited() {
        return RATE_LIMITED.get();
    }

    public static long answers() {
        return ANSWERS.get();
    }
}
