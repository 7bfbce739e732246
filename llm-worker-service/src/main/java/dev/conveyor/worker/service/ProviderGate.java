package dev.conveyor.worker.service;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits calls to one provider the way the provider admits them: a request bucket and a token
 * bucket refilled continuously over a minute, each call reserving its prompt estimate plus its
 * maximum completion before it goes out, the unused part given back when the usage is known.
 * The buckets follow what the provider says in its {@code x-ratelimit-*} headers, a
 * {@code Retry-After} holds every call until it has passed, and a circuit breaker stops calls
 * to a provider that keeps failing until a cool-down has passed and a probe call succeeds.
 *
 * <p>With no limits configured, the first call goes out alone and the headers of its answer set
 * the buckets before the others follow, so that a cold start does not burst into 429s.
 *
 * <p>With a {@link SharedLimits} store, the request and token limits are kept there instead, one
 * schedule for every instance that shares the key ({@link PacedSlots}); this gate then keeps the
 * pauses, the breaker and the limits it learns, and asks the store for a slot before each call.
 * One thread per gate asks at a time, so that an instance queues its own callers locally. When
 * the store cannot be reached the gate paces with its own buckets for a while and tries again.
 *
 * <p>Blocking: {@link #acquire} waits on the caller's thread (a virtual thread where the
 * runtime has them), so waiting costs no CPU.
 */
public final class ProviderGate {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderGate.class);

    /** A grant to make one call; give it back with {@link #settle} or {@link #release}. */
    public record Permit(long tokens, boolean probe) {
    }

    enum Breaker { CLOSED, OPEN, HALF_OPEN }

    private final Object lock = new Object();
    /** The shared schedule, or null to pace with this gate's own buckets. */
    private final SharedLimits shared;
    private final String model;
    /** One caller of this gate at a time asks the store; the others queue here, in order. */
    private final java.util.concurrent.locks.ReentrantLock sharedTurn = new java.util.concurrent.locks.ReentrantLock(true);
    /** Until then the store is skipped: it failed, and the gate paces alone. */
    private boolean storeDown;
    private long sharedDownUntil;
    /** A 429 not yet told to the shared schedule (its pause in microseconds), or -1. */
    private final java.util.concurrent.atomic.AtomicLong pendingSharedNotice =
            new java.util.concurrent.atomic.AtomicLong(-1);
    /**
     * Slots are taken only when (nearly) due: the asker sleeps until its slot less this horizon
     * and asks again, so that a 429 or a pause still reaches the calls after it, and the
     * schedule's window log records when each call goes: its slot, or the time of the ask when
     * that is later. Asked with no horizon at all, every grant came the asker's wake-up and the
     * store's round trip after its slot (the provider saw 8 calls span 1,011.5-1,016.6 ms at the p50 where the log allows 1,010; fourth session), and
     * the window log chained that delay into every window; with 5 ms the asker asks a little
     * early and the last few milliseconds are one short sleep.
     */
    static final long SHARED_HORIZON_MICROS = 5_000;
    /** Added to the window in the window log ({@link PacedSlots}): the default of the config key. */
    public static final Duration DEFAULT_WINDOW_MARGIN = Duration.ofMillis(10);
    private final long windowMarginMicros;
    /** After this long without a 429 the shared schedule stops pacing: the default of the config key. */
    public static final Duration DEFAULT_UNPACE_AFTER = Duration.ofMinutes(2);
    private final long unpaceAfterMicros;
    static final Duration SHARED_RETRY = Duration.ofSeconds(5);
    private final int breakerThreshold;
    private final long breakerCooldownNanos;

    /** Limits per minute; infinite until configured or reported by the provider. */
    private double requestRate;
    private double tokenRate;
    /** The operator's limits (infinite when not configured): a reported limit never goes above them. */
    private final double configuredRequestRate;
    private final double configuredTokenRate;
    /** How much of a minute's limit a full bucket holds: providers enforce limits over short windows. */
    private final double burstFraction;
    private final long burstMicros;
    /**
     * Set by the first 429: the provider enforces its limit over a window shorter than our burst
     * (a sliding or fixed second, a fraction of a minute), so calls go out evenly, one at a time.
     */
    private boolean paced;
    /** 429s without Retry-After in a row: each doubles the pause. */
    private int rateLimitedInARow;
    /**
     * Share of the limit the gate paces at once pacing: 97 % from the first 429, then 1 % less
     * with each further 429, down to 95 %. A provider that counts whole calls per window admits
     * floor(window's share / call) of them (7 calls of 139 tokens in a 1,000-token second: 97 % of
     * the continuous rate), and calls spaced exactly at the limit still meet a window's edge when
     * their timing jitters.
     */
    private double pace = 1.0;
    /** The largest reservation asked for: paced, the token bucket holds one such call. */
    private long largestReservation = 1;
    private double requests;
    private double tokens;
    private final java.util.function.LongSupplier clock;
    private long refilledAt;
    private long pausedUntil;
    private Breaker breaker = Breaker.CLOSED;
    private int consecutiveFailures;
    private long openedAt;
    private boolean probing;
    /** Whether any answer (or failure) has come back from the provider since start. */
    private boolean heardFromProvider;
    /** A first call is out while no limit is known. */
    private boolean scouting;

    /**
     * @param requestsPerMinute the request limit; 0 for none
     * @param tokensPerMinute the token limit; 0 for none
     */
    public ProviderGate(int requestsPerMinute, int tokensPerMinute, Duration burst, int breakerThreshold,
            Duration breakerCooldown) {
        this(requestsPerMinute, tokensPerMinute, burst, breakerThreshold, breakerCooldown, System::nanoTime, null,
                "");
    }

    /** A gate of {@code model} whose limits are kept in {@code shared}, with every other instance's. */
    public ProviderGate(int requestsPerMinute, int tokensPerMinute, Duration burst, int breakerThreshold,
            Duration breakerCooldown, SharedLimits shared, String model) {
        this(requestsPerMinute, tokensPerMinute, burst, DEFAULT_WINDOW_MARGIN, breakerThreshold, breakerCooldown,
                System::nanoTime, shared, model);
    }

    /**
     * A gate of {@code model} whose limits are kept in {@code shared}, whose window log counts
     * over the burst plus {@code windowMargin}.
     */
    public ProviderGate(int requestsPerMinute, int tokensPerMinute, Duration burst, Duration windowMargin,
            int breakerThreshold, Duration breakerCooldown, SharedLimits shared, String model) {
        this(requestsPerMinute, tokensPerMinute, burst, windowMargin, DEFAULT_UNPACE_AFTER, breakerThreshold,
                breakerCooldown, System::nanoTime, shared, model);
    }

    /**
     * As above, and the shared schedule stops pacing after {@code unpaceAfter} without a 429
     * (zero: it never does).
     */
    public ProviderGate(int requestsPerMinute, int tokensPerMinute, Duration burst, Duration windowMargin,
            Duration unpaceAfter, int breakerThreshold, Duration breakerCooldown, SharedLimits shared, String model) {
        this(requestsPerMinute, tokensPerMinute, burst, windowMargin, unpaceAfter, breakerThreshold, breakerCooldown,
                System::nanoTime, shared, model);
    }

    /** With a clock of its own, for tests. */
    ProviderGate(int requestsPerMinute, int tokensPerMinute, Duration burst, int breakerThreshold,
            Duration breakerCooldown, java.util.function.LongSupplier clock) {
        this(requestsPerMinute, tokensPerMinute, burst, breakerThreshold, breakerCooldown, clock, null, "");
    }

    ProviderGate(int requestsPerMinute, int tokensPerMinute, Duration burst, int breakerThreshold,
            Duration breakerCooldown, java.util.function.LongSupplier clock, SharedLimits shared, String model) {
        this(requestsPerMinute, tokensPerMinute, burst, DEFAULT_WINDOW_MARGIN, breakerThreshold, breakerCooldown,
                clock, shared, model);
    }

    ProviderGate(int requestsPerMinute, int tokensPerMinute, Duration burst, Duration windowMargin,
            int breakerThreshold, Duration breakerCooldown, java.util.function.LongSupplier clock,
            SharedLimits shared, String model) {
        this(requestsPerMinute, tokensPerMinute, burst, windowMargin, DEFAULT_UNPACE_AFTER, breakerThreshold,
                breakerCooldown, clock, shared, model);
    }

    ProviderGate(int requestsPerMinute, int tokensPerMinute, Duration burst, Duration windowMargin,
            Duration unpaceAfter, int breakerThreshold, Duration breakerCooldown, java.util.function.LongSupplier clock,
            SharedLimits shared, String model) {
        this.clock = clock;
        this.windowMarginMicros = Math.max(0, windowMargin.toNanos() / 1000);
        this.unpaceAfterMicros = Math.max(0, unpaceAfter.toNanos() / 1000);
        this.shared = shared;
        this.model = model;
        this.burstMicros = burst.toNanos() / 1000;
        this.burstFraction = Math.min(1.0, Math.max(1e-3, burst.toMillis() / 60_000d));
        this.refilledAt = clock.getAsLong();
        this.requestRate = requestsPerMinute <= 0 ? Double.POSITIVE_INFINITY : requestsPerMinute;
        this.tokenRate = tokensPerMinute <= 0 ? Double.POSITIVE_INFINITY : tokensPerMinute;
        this.configuredRequestRate = requestRate;
        this.configuredTokenRate = tokenRate;
        this.requests = requestCeiling();
        this.tokens = tokenCeiling();
        this.breakerThreshold = breakerThreshold;
        this.breakerCooldownNanos = breakerCooldown.toNanos();
    }

    /**
     * Waits until one request and {@code reserveTokens} tokens are available, the provider is
     * not asking to pause and the breaker lets a call through.
     */
    public Permit acquire(long reserveTokens) throws InterruptedException {
        Permit permit;
        synchronized (lock) {
            while (true) {
                Attempt attempt = attempt(reserveTokens);
                if (attempt.permit() != null) {
                    permit = attempt.permit();
                    break;
                }
                // woken early by settle/release/pause
                lock.wait(Math.max(1, Math.min(attempt.waitNanos() / 1_000_000, 1_000)));
            }
        }
        if (shared != null) {
            try {
                awaitSharedSlot(reserveTokens);
            } catch (InterruptedException e) {
                release(permit, new CallFailure(CallFailure.Kind.PERMANENT, 0));
                throw e;
            }
        }
        return permit;
    }

    /**
     * Takes this call's slot in the shared schedule and waits for it. A slot further ahead than
     * the horizon is not taken yet: the caller waits and asks again, holding its turn so that
     * this instance's other callers queue behind it.
     */
    private void awaitSharedSlot(long reserveTokens) throws InterruptedException {
        long waitMicros = 0;
        sharedTurn.lockInterruptibly();
        try {
            while (true) {
                PacedSlots.Rates rates;
                long pausedFor;
                synchronized (lock) {
                    long now = clock.getAsLong();
                    if (!sharing(now)) {
                        return; // paced by the local buckets in attempt()
                    }
                    rates = new PacedSlots.Rates(requestRate, tokenRate, burstMicros, windowMarginMicros,
                            unpaceAfterMicros);
                    pausedFor = pausedUntil - now;
                }
                if (pausedFor > 0) {
                    // A 429 came while this caller queued for its turn: the pause holds it too,
                    // also before the store has heard of the 429.
                    java.util.concurrent.TimeUnit.NANOSECONDS.sleep(pausedFor);
                    continue;
                }
                if (rates.unknown()) {
                    return; // nothing to pace against yet: the scouting call finds the limits
                }
                PacedSlots.Decision decision;
                try {
                    deliverSharedNotice(); // a 429 this instance saw is in the schedule before the next slot
                    decision = shared.reserve(model, rates, reserveTokens, SHARED_HORIZON_MICROS);
                } catch (SharedLimits.Unavailable e) {
                    sharedDown(e);
                    return; // this one call goes unpaced; the next ones take the local buckets
                }
                if (decision.granted()) {
                    waitMicros = decision.waitMicros();
                    if (LOG.isDebugEnabled()) { // to set against the provider's count of the call
                        long[] logged = decision.next().loggedAt();
                        LOG.debug("slot of {} granted at {} us (store clock), {} tokens", model,
                                logged.length == 0 ? -1 : logged[logged.length - 1], reserveTokens);
                    }
                    break;
                }
                java.util.concurrent.TimeUnit.MICROSECONDS.sleep(Math.max(1_000, decision.waitMicros()));
            }
        } finally {
            sharedTurn.unlock();
        }
        if (waitMicros > 0) {
            java.util.concurrent.TimeUnit.MICROSECONDS.sleep(waitMicros);
        }
    }

    private void sharedDown(RuntimeException e) {
        synchronized (lock) {
            boolean wasUp = sharing(clock.getAsLong());
            storeDown = true;
            sharedDownUntil = clock.getAsLong() + SHARED_RETRY.toNanos();
            if (wasUp) {
                LOG.warn("the shared rate-limit store is unreachable ({}): pacing {} on this instance's own buckets"
                        + " for {} s", e.getMessage(), model, SHARED_RETRY.toSeconds());
            }
            requests = Math.min(requests, 0); // what the others sent is unknown: start from an empty bucket
            lock.notifyAll();
        }
    }

    /** Whether the shared schedule paces calls now (there is one, and it answered lately). */
    private boolean sharing(long now) {
        return shared != null && (!storeDown || now - sharedDownUntil >= 0);
    }

    /** A permit now, or empty when the caller would have to wait. */
    java.util.Optional<Permit> tryAcquire(long reserveTokens) {
        synchronized (lock) {
            return java.util.Optional.ofNullable(attempt(reserveTokens).permit());
        }
    }

    /** A permit, or how long to wait before asking again. */
    private record Attempt(Permit permit, long waitNanos) {
        static Attempt waitFor(long nanos) {
            return new Attempt(null, Math.max(1, nanos));
        }
    }

    private Attempt attempt(long reserveTokens) {
        largestReservation = Math.max(largestReservation, reserveTokens);
        // A call bigger than the whole bucket could never pass; it waits for a full bucket.
        long want = (long) Math.min(reserveTokens, tokenCeiling());
        while (true) {
            long now = clock.getAsLong();
            refill(now);
            if (now < pausedUntil) {
                return Attempt.waitFor(pausedUntil - now);
            }
            if (breaker == Breaker.OPEN) {
                long reopen = openedAt + breakerCooldownNanos;
                if (now < reopen) {
                    return Attempt.waitFor(reopen - now);
                }
                breaker = Breaker.HALF_OPEN;
                continue;
            }
            if (breaker == Breaker.HALF_OPEN && probing) {
                return Attempt.waitFor(breakerCooldownNanos);
            }
            if (!heardFromProvider && unknownLimits() && scouting) {
                // No limit known yet: one call goes first and its answer's headers tell the rest.
                return Attempt.waitFor(breakerCooldownNanos);
            }
            boolean local = !sharing(now);
            if (local && requests < 1) {
                return Attempt.waitFor(nanosFor(1 - requests, requestRate * pace));
            }
            if (local && tokens < want) {
                return Attempt.waitFor(nanosFor(want - tokens, tokenRate * pace));
            }
            if (local) {
                requests -= 1;
                tokens -= want;
            }
            boolean probe = breaker == Breaker.HALF_OPEN;
            probing |= probe;
            scouting |= !heardFromProvider && unknownLimits();
            return new Attempt(new Permit(want, probe), 0);
        }
    }

    private boolean unknownLimits() {
        return requestRate == Double.POSITIVE_INFINITY && tokenRate == Double.POSITIVE_INFINITY;
    }

    /** The call answered: give back unused tokens, close the breaker. */
    public void settle(Permit permit, long usedTokens) {
        synchronized (lock) {
            if (usedTokens < permit.tokens() && tokenRate != Double.POSITIVE_INFINITY) {
                tokens = Math.min(tokenCeiling(), tokens + (permit.tokens() - usedTokens));
            }
            heardFromProvider = true;
            consecutiveFailures = 0;
            rateLimitedInARow = 0;
            if (breaker != Breaker.CLOSED) {
                LOG.info("provider answers again: circuit closed");
            }
            breaker = Breaker.CLOSED;
            probing = false;
            lock.notifyAll();
        }
    }

    /** The call failed. Transient failures count toward opening the breaker. */
    public void release(Permit permit, CallFailure failure) {
        synchronized (lock) {
            heardFromProvider = true;
            if (permit.probe()) {
                probing = false;
            }
            if (failure.kind() == CallFailure.Kind.TRANSIENT) {
                consecutiveFailures++;
                if (breaker == Breaker.HALF_OPEN || consecutiveFailures >= breakerThreshold) {
                    if (breaker != Breaker.OPEN) {
                        LOG.warn("provider failed {} times in a row: circuit open for {} ms", consecutiveFailures,
                                breakerCooldownNanos / 1_000_000);
                    }
                    breaker = Breaker.OPEN;
                    openedAt = clock.getAsLong();
                }
            } else if (failure.kind() == CallFailure.Kind.RATE_LIMITED) {
                // Admitted by us but refused by the provider: its view of the budget is lower.
                // (With no known limit, the pause the 429 set is what holds the calls back.)
                if (requestRate != Double.POSITIVE_INFINITY) {
                    requests = Math.min(requests, 0);
                }
            } else {
                consecutiveFailures = 0;
            }
            lock.notifyAll();
        }
    }

    /** Without Retry-After, the first 429 holds calls this long; each further one in a row doubles it. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    static final Duration MAX_PAUSE = Duration.ofSeconds(30);
    static final double START_PACE = 0.97;
    static final double MIN_PACE = 0.95;

    /**
     * The provider answered 429: hold every call for its Retry-After, or, without one, for a
     * pause that doubles with each 429 in a row. From then on the gate paces calls evenly
     * instead of sending a burst: a 429 after admitting a burst means the provider counts over a
     * shorter window than the burst.
     */
    public void rateLimited(java.util.Optional<Duration> retryAfter) {
        Duration sharedPause;
        synchronized (lock) {
            if (!paced) {
                paced = true;
                pace = START_PACE;
                requests = Math.min(requests, requestCeiling());
                tokens = Math.min(tokens, tokenCeiling());
                LOG.info("429 from the provider: pacing calls evenly from now on");
            } else {
                pace = Math.max(MIN_PACE, pace - 0.01);
            }
            Duration pause = retryAfter.orElseGet(() -> {
                int doublings = Math.min(rateLimitedInARow, 16);
                return Duration.ofMillis(Math.min(MAX_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << doublings));
            });
            if (retryAfter.isEmpty()) {
                rateLimitedInARow++;
            }
            pauseFor(pause);
            sharedPause = pause;
        }
        if (shared != null && sharing(clock.getAsLong())) {
            // Off the caller's thread: the HTTP client's response filter may run on an event loop.
            // Until it lands, this gate's own pause holds this instance's calls; the next asker
            // delivers it first if the background task has not yet.
            long pauseMicros = sharedPause.toNanos() / 1000;
            pendingSharedNotice.accumulateAndGet(pauseMicros, Math::max);
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    deliverSharedNotice();
                } catch (SharedLimits.Unavailable e) {
                    sharedDown(e);
                }
            });
        }
    }

    /**
     * Tells the shared schedule of a 429 this instance saw, if not told yet. Whoever comes
     * second (the background task or the next asker) waits until the first has told it.
     */
    private void deliverSharedNotice() {
        synchronized (pendingSharedNotice) {
            long pauseMicros = pendingSharedNotice.getAndSet(-1);
            if (pauseMicros >= 0) {
                shared.rateLimited(model, pauseMicros);
            }
        }
    }

    boolean paced() {
        synchronized (lock) {
            return paced;
        }
    }

    /** The share of the request limit calls go out at (1 until 429s come while pacing). */
    double pace() {
        synchronized (lock) {
            return pace;
        }
    }

    /** The provider asked to wait (Retry-After, or a 429 without it): hold every call until then. */
    public void pauseFor(Duration wait) {
        synchronized (lock) {
            pausedUntil = Math.max(pausedUntil, clock.getAsLong() + wait.toNanos());
            lock.notifyAll();
        }
    }

    /**
     * What the provider reported in its {@code x-ratelimit-*} headers: adopt its limit, lower or
     * higher (a key's limits rise with its tier; never above a configured limit), and never
     * believe we have more left than it says: the remaining budget is the key's, shared by every
     * worker instance and every other client of the key.
     */
    public void observe(RateLimitHeaders headers) {
        synchronized (lock) {
            refill(clock.getAsLong());
            if (headers.limitRequests() > 0) {
                double limit = Math.min(configuredRequestRate, headers.limitRequests());
                if (limit != requestRate) {
                    requestRate = limit;
                    requests = Math.min(requests, requestCeiling());
                }
            }
            if (headers.limitTokens() > 0) {
                double limit = Math.min(configuredTokenRate, headers.limitTokens());
                if (limit != tokenRate) {
                    tokenRate = limit;
                    tokens = Math.min(tokens, tokenCeiling());
                }
            }
            // A remaining budget means something only against a known limit, which refills it.
            if (headers.remainingRequests() >= 0 && requestRate != Double.POSITIVE_INFINITY) {
                requests = Math.min(requests, headers.remainingRequests());
            }
            if (headers.remainingTokens() >= 0 && tokenRate != Double.POSITIVE_INFINITY) {
                tokens = Math.min(tokens, headers.remainingTokens());
            }
            lock.notifyAll(); // callers held back until a limit was known may go
        }
    }

    Breaker breaker() {
        synchronized (lock) {
            return breaker;
        }
    }

    private void refill(long now) {
        double minutes = (now - refilledAt) / 60e9;
        refilledAt = now;
        if (requestRate != Double.POSITIVE_INFINITY) {
            requests = Math.min(requestCeiling(), requests + minutes * requestRate * pace);
        }
        if (tokenRate != Double.POSITIVE_INFINITY) {
            tokens = Math.min(tokenCeiling(), tokens + minutes * tokenRate * pace);
        }
    }

    /** A full bucket: the burst's share of the per-minute limit, at least one call. */
    private double ceiling(double perMinute) {
        return perMinute == Double.POSITIVE_INFINITY ? perMinute : Math.max(1, perMinute * burstFraction);
    }

    /** The tokens bucket: paced, it holds one call's reservation, so calls go out evenly spaced. */
    private double tokenCeiling() {
        double full = ceiling(tokenRate);
        return paced && tokenRate != Double.POSITIVE_INFINITY ? Math.min(full, Math.max(1, largestReservation)) : full;
    }

    /** The requests bucket: paced, it holds one request, so calls go out evenly spaced. */
    private double requestCeiling() {
        return paced && requestRate != Double.POSITIVE_INFINITY ? 1 : ceiling(requestRate);
    }

    private static long nanosFor(double missing, double perMinute) {
        return (long) Math.ceil(missing / perMinute * 60e9);
    }
}
