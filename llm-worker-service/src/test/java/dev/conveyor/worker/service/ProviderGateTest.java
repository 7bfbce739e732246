package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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
}
