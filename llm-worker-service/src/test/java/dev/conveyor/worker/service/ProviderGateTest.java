package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ProviderGateTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private ProviderGate gate(int rpm, int tpm) {
        // A full minute's bucket, so that these tests count in minutes; see the burst test.
        return new ProviderGate(rpm, tpm, Duration.ofMinutes(1), 3, Duration.ofSeconds(10), now::get);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void shouldAdmitAMinutesRequestsThenRefillContinuously() {
        ProviderGate gate = gate(60, 0);
        for (int i = 0; i < 60; i++) {
            assertThat(gate.tryAcquire(10)).as("request %d", i).isPresent();
        }
        assertThat(gate.tryAcquire(10)).isEmpty();

        advance(Duration.ofSeconds(1)); // 60 a minute = one a second

        assertThat(gate.tryAcquire(10)).isPresent();
        assertThat(gate.tryAcquire(10)).isEmpty();
    }

    @Test
    void shouldSendNoMoreThanTheBurstsShareAtOnce() {
        ProviderGate gate = new ProviderGate(600, 0, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 10; i++) {
            assertThat(gate.tryAcquire(1)).as("request %d", i).isPresent();
        }
        assertThat(gate.tryAcquire(1)).as("600 a minute is 10 a second").isEmpty();

        advance(Duration.ofMillis(100));

        assertThat(gate.tryAcquire(1)).isPresent();
        assertThat(gate.tryAcquire(1)).isEmpty();
    }

    @Test
    void shouldReserveTokensAndGiveBackWhatACallDidNotUse() {
        ProviderGate gate = gate(0, 1_000);
        ProviderGate.Permit first = gate.tryAcquire(600).orElseThrow();
        assertThat(gate.tryAcquire(600)).as("400 tokens left").isEmpty();

        gate.settle(first, 100); // used 100 of the 600 reserved

        assertThat(gate.tryAcquire(600)).isPresent();
    }

    @Test
    void shouldHoldEveryCallForARetryAfter() {
        ProviderGate gate = gate(0, 0);
        gate.pauseFor(Duration.ofSeconds(2));
        assertThat(gate.tryAcquire(1)).isEmpty();

        advance(Duration.ofMillis(2_001));

        assertThat(gate.tryAcquire(1)).isPresent();
    }

    @Test
    void shouldOpenTheCircuitAfterTransientFailuresAndCloseItOnASuccessfulProbe() {
        ProviderGate gate = gate(0, 0);
        CallFailure down = new CallFailure(CallFailure.Kind.TRANSIENT, 503);
        for (int i = 0; i < 3; i++) {
            gate.release(gate.tryAcquire(1).orElseThrow(), down);
        }
        assertThat(gate.breaker()).isEqualTo(ProviderGate.Breaker.OPEN);
        assertThat(gate.tryAcquire(1)).as("open: no calls").isEmpty();

        advance(Duration.ofSeconds(10));
        ProviderGate.Permit probe = gate.tryAcquire(1).orElseThrow();
        assertThat(probe.probe()).isTrue();
        assertThat(gate.tryAcquire(1)).as("one probe at a time").isEmpty();

        gate.settle(probe, 1);

        assertThat(gate.breaker()).isEqualTo(ProviderGate.Breaker.CLOSED);
        assertThat(gate.tryAcquire(1)).isPresent();
    }

    @Test
    void shouldReopenWhenTheProbeFails() {
        ProviderGate gate = gate(0, 0);
        CallFailure down = new CallFailure(CallFailure.Kind.TRANSIENT, 0);
        for (int i = 0; i < 3; i++) {
            gate.release(gate.tryAcquire(1).orElseThrow(), down);
        }
        advance(Duration.ofSeconds(10));

        gate.release(gate.tryAcquire(1).orElseThrow(), down);

        assertThat(gate.breaker()).isEqualTo(ProviderGate.Breaker.OPEN);
    }

    @Test
    void shouldNotCountPermanentFailuresTowardTheBreaker() {
        ProviderGate gate = gate(0, 0);
        for (int i = 0; i < 10; i++) {
            gate.release(gate.tryAcquire(1).orElseThrow(), new CallFailure(CallFailure.Kind.PERMANENT, 400));
        }
        assertThat(gate.breaker()).isEqualTo(ProviderGate.Breaker.CLOSED);
    }

    @Test
    void shouldNotStarveWhenA429ComesBeforeAnyLimitIsKnown() {
        ProviderGate gate = gate(0, 0);
        gate.release(gate.tryAcquire(1).orElseThrow(), new CallFailure(CallFailure.Kind.RATE_LIMITED, 429));
        gate.pauseFor(Duration.ofMillis(500));
        assertThat(gate.tryAcquire(1)).isEmpty();

        advance(Duration.ofMillis(501));

        assertThat(gate.tryAcquire(1)).as("after the pause, calls go again").isPresent();
    }

    @Test
    void shouldSendOneCallFirstWhileNoLimitIsKnown() {
        ProviderGate gate = gate(0, 0);
        gate.tryAcquire(1).orElseThrow();
        assertThat(gate.tryAcquire(1)).as("the others wait for the first answer's headers").isEmpty();

        gate.observe(new RateLimitHeaders(600, 9, -1, -1, Optional.empty()));

        assertThat(gate.tryAcquire(1)).isPresent();
    }

    @Test
    void shouldLetEveryoneGoWhenTheProviderSendsNoLimits() {
        ProviderGate gate = gate(0, 0);
        ProviderGate.Permit first = gate.tryAcquire(1).orElseThrow();
        gate.settle(first, 1);

        for (int i = 0; i < 100; i++) {
            assertThat(gate.tryAcquire(1)).isPresent();
        }
    }

    @Test
    void shouldBelieveTheProvidersRemainingBudget() {
        ProviderGate gate = gate(600, 0);
        gate.observe(new RateLimitHeaders(600, 0, -1, -1, Optional.empty()));

        assertThat(gate.tryAcquire(1)).as("the provider says none are left").isEmpty();
    }

    @Test
    void shouldAdoptALowerLimitTheProviderReports() {
        ProviderGate gate = gate(0, 0);
        gate.observe(new RateLimitHeaders(2, 2, -1, -1, Optional.empty()));

        assertThat(gate.tryAcquire(1)).isPresent();
        assertThat(gate.tryAcquire(1)).isPresent();
        assertThat(gate.tryAcquire(1)).isEmpty();
    }

    @Test
    void shouldRaiseALearnedLimitWhenTheProviderReportsAHigherOne() {
        ProviderGate gate = new ProviderGate(0, 0, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get);
        gate.observe(new RateLimitHeaders(600, 599, -1, -1, Optional.empty()));
        advance(Duration.ofSeconds(1));
        assertThat(drain(gate)).as("600 a minute: 10 a second").isEqualTo(10);

        gate.observe(new RateLimitHeaders(1_000_000, 999_999, -1, -1, Optional.empty()));
        advance(Duration.ofSeconds(1));

        assertThat(drain(gate)).as("1,000,000 a minute: a second holds 16,666").isGreaterThan(16_000);
    }

    @Test
    void shouldNeverRiseAboveAConfiguredLimit() {
        ProviderGate gate = new ProviderGate(600, 0, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get);
        gate.observe(new RateLimitHeaders(1_000_000, 999_999, -1, -1, Optional.empty()));
        advance(Duration.ofSeconds(5));

        assertThat(drain(gate)).isEqualTo(10);
    }

    @Test
    void shouldDoubleThePauseOfEach429WithoutRetryAfterInARowAndResetOnAnAnswer() {
        ProviderGate gate = gate(60_000, 0);
        gate.rateLimited(Optional.empty());
        assertThat(gate.tryAcquire(1)).isEmpty();
        advance(Duration.ofMillis(500));
        ProviderGate.Permit permit = gate.tryAcquire(1).orElseThrow();
        gate.release(permit, new CallFailure(CallFailure.Kind.RATE_LIMITED, 429));

        gate.rateLimited(Optional.empty());
        advance(Duration.ofMillis(999));
        assertThat(gate.tryAcquire(1)).as("second 429 in a row: 1 s").isEmpty();
        advance(Duration.ofMillis(1));
        permit = gate.tryAcquire(1).orElseThrow();
        gate.settle(permit, 1);

        gate.rateLimited(Optional.empty());
        advance(Duration.ofMillis(500));
        assertThat(gate.tryAcquire(1)).as("an answer in between: back to 500 ms").isPresent();
    }

    @Test
    void shouldKeepToRetryAfterWhenTheProviderGivesIt() {
        ProviderGate gate = gate(60_000, 0);
        gate.rateLimited(Optional.of(Duration.ofSeconds(3)));
        advance(Duration.ofMillis(2_999));
        assertThat(gate.tryAcquire(1)).isEmpty();
        advance(Duration.ofMillis(1));
        assertThat(gate.tryAcquire(1)).isPresent();
    }

    @Test
    void shouldPaceCallsEvenlyAfterA429InsteadOfSendingABurst() {
        ProviderGate gate = new ProviderGate(600, 0, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get);
        assertThat(gate.paced()).isFalse();

        gate.rateLimited(Optional.of(Duration.ofMillis(100)));
        advance(Duration.ofSeconds(5)); // a long quiet spell refills no burst any more

        assertThat(gate.paced()).isTrue();
        assertThat(drain(gate)).as("one call, then one each 103 ms (97 % of 10 a second)").isEqualTo(1);
        advance(Duration.ofMillis(100));
        assertThat(drain(gate)).isZero();
        advance(Duration.ofMillis(4));
        assertThat(drain(gate)).isEqualTo(1);
    }

    @Test
    void shouldPaceAt97PercentThenSlowByAPercentForEach429DownTo95Percent() {
        ProviderGate gate = new ProviderGate(600, 0, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get);
        assertThat(gate.pace()).isEqualTo(1.0);
        gate.rateLimited(Optional.of(Duration.ofMillis(1)));
        assertThat(gate.pace()).isEqualTo(0.97);

        gate.rateLimited(Optional.of(Duration.ofMillis(1)));
        assertThat(gate.pace()).isCloseTo(0.96, org.assertj.core.data.Offset.offset(1e-9));

        for (int i = 0; i < 20; i++) {
            gate.rateLimited(Optional.of(Duration.ofMillis(1)));
        }
        assertThat(gate.pace()).isEqualTo(0.95);
        advance(Duration.ofMillis(10));
        drain(gate);
        advance(Duration.ofMillis(100)); // 0.95 of a call at 600 a minute x 95%
        assertThat(gate.tryAcquire(1)).isEmpty();
        advance(Duration.ofMillis(6));
        assertThat(gate.tryAcquire(1)).isPresent();
    }

    @Test
    void shouldPaceTokenBoundCallsEvenlyAfterA429() {
        ProviderGate gate = new ProviderGate(0, 60_000, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 7; i++) {
            assertThat(gate.tryAcquire(139)).as("a second's 1000 tokens hold 7 calls").isPresent();
        }
        gate.rateLimited(Optional.of(Duration.ofMillis(1)));
        advance(Duration.ofSeconds(5)); // idle: the bucket refills only to one call

        assertThat(gate.tryAcquire(139)).isPresent();
        assertThat(gate.tryAcquire(139)).isEmpty();
        advance(Duration.ofMillis(143)); // 139 tokens at 97 % of 1000 a second: 143.3 ms
        assertThat(gate.tryAcquire(139)).isEmpty();
        advance(Duration.ofMillis(1));
        assertThat(gate.tryAcquire(139)).isPresent();
    }

    @Test
    void shouldKeepAGateForEachModel() {
        ModelGates gates = new ModelGates(() -> new ProviderGate(60, 0, Duration.ofSeconds(1), 3,
                Duration.ofSeconds(10), now::get));
        gates.forModel("gpt-4o").rateLimited(Optional.of(Duration.ofMinutes(1)));

        assertThat(gates.forModel("gpt-4o").tryAcquire(1)).isEmpty();
        assertThat(gates.forModel("gpt-4o-mini").tryAcquire(1)).isPresent();
        assertThat(gates.forModel("gpt-4o")).isSameAs(gates.forModel("gpt-4o"));
    }

    @Test
    void shouldShareA429WithEveryInstanceThroughTheStore() throws InterruptedException {
        SharedLimits.InMemory store = new SharedLimits.InMemory(() -> now.get() / 1000);
        ProviderGate one = new ProviderGate(600, 0, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get, store,
                "gpt-4o-mini");
        ProviderGate other = new ProviderGate(600, 0, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get,
                store, "gpt-4o-mini");
        assertThat(store.paced("gpt-4o-mini")).isFalse();

        one.rateLimited(Optional.of(Duration.ZERO));

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(store.paced("gpt-4o-mini")).as("the other instance paces too").isTrue());
        // Both take their slots from the one schedule: the local buckets are not used.
        for (int i = 0; i < 20; i++) {
            assertThat(other.tryAcquire(1)).as("local check %d", i).isPresent();
        }
    }

    /**
     * The callers queued for a slot while a 429 came back must not take burst slots from a
     * schedule that has not heard of the 429 yet: the asker tells the store first.
     */
    @Test
    void shouldTellTheStoreOfA429BeforeTheNextSlotIsTaken() throws InterruptedException {
        SharedLimits.InMemory memory = new SharedLimits.InMemory(() -> now.get() / 1000);
        Thread caller = Thread.currentThread();
        List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        SharedLimits store = new SharedLimits() {
            @Override
            public PacedSlots.Decision reserve(String model, PacedSlots.Rates rates, long tokens, long horizon) {
                seen.add(memory.paced(model) ? "reserve (paced)" : "reserve (burst)");
                return memory.reserve(model, rates, tokens, horizon);
            }

            @Override
            public void rateLimited(String model, long pauseMicros) {
                if (Thread.currentThread() != caller) {
                    try {
                        Thread.sleep(300); // a store slow to answer the background notice (simulated latency)
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                memory.rateLimited(model, pauseMicros);
            }

            @Override
            public boolean paced(String model) {
                return memory.paced(model);
            }
        };
        ProviderGate gate = new ProviderGate(600, 60_000, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get,
                store, "gpt-4o-mini");
        gate.acquire(139);

        gate.rateLimited(Optional.of(Duration.ZERO));
        advance(Duration.ofSeconds(2)); // past any slot: the call is granted at once
        gate.acquire(139);

        assertThat(seen).containsExactly("reserve (burst)", "reserve (paced)");
    }

    @Test
    void shouldPaceWithItsOwnBucketsWhileTheStoreIsUnreachable() throws InterruptedException {
        SharedLimits broken = new SharedLimits() {
            @Override
            public PacedSlots.Decision reserve(String model, PacedSlots.Rates rates, long tokens, long horizon) {
                throw new Unavailable("connection refused", null);
            }

            @Override
            public void rateLimited(String model, long pauseMicros) {
                throw new Unavailable("connection refused", null);
            }

            @Override
            public boolean paced(String model) {
                return false;
            }
        };
        ProviderGate gate = new ProviderGate(600, 0, Duration.ofSeconds(1), 3, Duration.ofSeconds(10), now::get,
                broken, "gpt-4o-mini");
        assertThat(gate.acquire(1)).isNotNull(); // the store fails: this call goes, the gate falls back

        assertThat(drain(gate)).as("own bucket, emptied when the store went away").isZero();
        advance(Duration.ofMillis(100));
        assertThat(drain(gate)).as("600 a minute").isEqualTo(1);
        advance(ProviderGate.SHARED_RETRY);
        assertThat(gate.tryAcquire(1)).as("the store is tried again: no local bucket").isPresent();
        assertThat(gate.tryAcquire(1)).isPresent();
    }

    private static int drain(ProviderGate gate) {
        int admitted = 0;
        while (gate.tryAcquire(1).isPresent()) {
            admitted++;
        }
        return admitted;
    }
}
