package dev.conveyor.worker.service;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands what the HTTP layer sees (status, rate-limit headers) to the gate of the provider in
 * use. Static because JAX-RS filters of the model client are created outside our beans.
 */
public final class ProviderGates {

    private static final AtomicReference<ModelGates> CURRENT = new AtomicReference<>();
    private static final AtomicLong RATE_LIMITED = new AtomicLong();
    private static final AtomicLong ANSWERS = new AtomicLong();

    private ProviderGates() {
    }

    public static void use(ModelGates gates) {
        CURRENT.set(gates);
    }

    /** An answer of the provider for {@code model}: its headers tune that model's gate. */
    public static void signal(String model, int status, RateLimitHeaders headers) {
        ANSWERS.incrementAndGet();
        ModelGates gates = CURRENT.get();
        if (gates == null) {
            return;
        }
        ProviderGate gate = gates.forModel(model);
        if (!headers.isEmpty()) {
            gate.observe(headers);
        }
        if (status == 429) {
            RATE_LIMITED.incrementAndGet();
            gate.rateLimited(headers.retryAfter());
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
