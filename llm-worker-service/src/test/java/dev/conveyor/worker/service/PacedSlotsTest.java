package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PacedSlotsTest {

    private static final long SECOND = 1_000_000;
    private static final long HORIZON = 250_000;
    private static final double INF = Double.POSITIVE_INFINITY;

    @Test
    void shouldLetTheBurstGoAtOnceThenSpaceCallsAtTheLimit() {
        PacedSlots.Rates rates = new PacedSlots.Rates(600, INF, SECOND);
        PacedSlots.State state = PacedSlots.State.FRESH;
        long now = 100 * SECOND;
        for (int i = 0; i < 9; i++) {
            PacedSlots.Decision d = PacedSlots.reserve(state, now, rates, 50, HORIZON);
            assertThat(d.granted()).isTrue();
            assertThat(d.waitMicros()).as("call %d of a 1 s burst of 600 RPM, one call kept in reserve", i).isZero();
            state = d.next();
        }
        PacedSlots.Decision tenth = PacedSlots.reserve(state, now, rates, 50, HORIZON);
        PacedSlots.Decision eleventh = PacedSlots.reserve(tenth.next(), now, rates, 50, HORIZON);
        assertThat(tenth.waitMicros()).isEqualTo(100_000); // 60 s / 600
        assertThat(eleventh.waitMicros()).isEqualTo(200_000);
    }

    @Test
    void shouldTakeNoSlotBeyondTheHorizon() {
        PacedSlots.Rates rates = new PacedSlots.Rates(60, INF, 0);
        PacedSlots.Decision first = PacedSlots.reserve(PacedSlots.State.FRESH, 0, rates, 1, HORIZON);
        PacedSlots.Decision second = PacedSlots.reserve(first.next(), 0, rates, 1, HORIZON);

        assertThat(second.granted()).isFalse();
        assertThat(second.next()).as("nothing taken").isEqualTo(first.next());
        assertThat(second.waitMicros()).as("ask again when the slot is within the horizon").isEqualTo(SECOND - HORIZON);
    }

    @Test
    void shouldPaceEvenlyAfterA429ThenWidenTheMarginForLater429sBeforeSlowingDown() {
        PacedSlots.State state = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 300_000);
        assertThat(state.paced()).isTrue();
        assertThat(state.pace()).isEqualTo(PacedSlots.START_PACE);
        assertThat(state.extraMarginMicros()).isZero();
        assertThat(state.requestTat()).as("every instance waits out the pause").isEqualTo(300_000);

        state = PacedSlots.rateLimited(state, SECOND, 0);
        assertThat(state.extraMarginMicros()).as("a 429 of the same burst").isZero();
        state = PacedSlots.rateLimited(state, 4 * SECOND, 0);
        assertThat(state.extraMarginMicros()).isEqualTo(PacedSlots.MARGIN_STEP_MICROS);
        assertThat(state.pace()).as("the pace stays while the margin can widen").isEqualTo(PacedSlots.START_PACE);
        state = PacedSlots.rateLimited(state, 7 * SECOND, 0);
        assertThat(state.extraMarginMicros()).isEqualTo(PacedSlots.MAX_EXTRA_MARGIN_MICROS);
        assertThat(state.pace()).isEqualTo(PacedSlots.START_PACE);
        for (int i = 0; i < 5; i++) {
            state = PacedSlots.rateLimited(state, (10 + 3 * i) * SECOND, 0);
        }
        assertThat(state.extraMarginMicros()).isEqualTo(PacedSlots.MAX_EXTRA_MARGIN_MICROS);
        assertThat(state.pace()).as("then 1 %% a 429, never below 96 %%").isEqualTo(PacedSlots.MIN_PACE);
        assertThat(PacedSlots.MIN_PACE).isGreaterThanOrEqualTo(0.96);

        // Paced: no burst, one call every 60 s / (600 x 0.96)
        PacedSlots.Rates rates = new PacedSlots.Rates(600, INF, SECOND);
        PacedSlots.Decision a = PacedSlots.reserve(state, 100 * SECOND, rates, 1, HORIZON);
        PacedSlots.Decision b = PacedSlots.reserve(a.next(), 100 * SECOND, rates, 1, HORIZON);
        assertThat(a.waitMicros()).isZero();
        assertThat(b.waitMicros()).isEqualTo((long) Math.ceil(60e6 / (600 * PacedSlots.MIN_PACE)));
    }

    @Test
    void shouldHoldTheEighthCallForTheWidenedMarginAfterALater429() {
        PacedSlots.State learned = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0);
        PacedSlots.State[] state = {PacedSlots.rateLimited(learned, 5 * SECOND, 0)};
        long first = grant(state, 10 * SECOND);
        for (int i = 1; i < 7; i++) {
            grant(state, first);
        }
        long eighth = grant(state, first);

        assertThat(eighth - first).isEqualTo(SECOND + MARGIN + PacedSlots.MARGIN_STEP_MICROS);
        assertThat(state[0].extraMarginMicros()).as("the store keeps the widened margin")
                .isEqualTo(PacedSlots.MARGIN_STEP_MICROS);
    }

    @Test
    void shouldStopPacingAfterALongSpellWithout429sWithoutABurstAtTheSwitch() {
        PacedSlots.State state = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0);
        long now = 10 * SECOND;
        // Saturated and paced until the lapse: one call each 143.3 ms.
        while (now < LAPSE) {
            PacedSlots.Decision d = PacedSlots.reserve(state, now, LAPSING, CALL, 0);
            if (d.granted()) {
                state = d.next();
            }
            now += Math.max(1, d.waitMicros());
        }
        assertThat(state.paced()).isTrue();
        PacedSlots.State lapsed = PacedSlots.lapsed(state, now, LAPSING);
        assertThat(lapsed.paced()).isFalse();
        assertThat(lapsed.extraMarginMicros()).isEqualTo(state.extraMarginMicros());

        List<Long> grants = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            PacedSlots.Decision d;
            while (!(d = PacedSlots.reserve(state, now, LAPSING, CALL, 0)).granted()) {
                now += d.waitMicros();
            }
            state = d.next();
            grants.add(now);
        }
        assertThat(state.paced()).isFalse();
        // No burst at the switch (the schedule was busy, the provider's allowance spent too: at
        // most the one call a late asker may catch up), then the full rate: 139 tokens of 1,000
        // a second, a call each 139 ms, where paced it was 143-144 ms.
        assertThat(grants.get(19) - grants.get(0)).isGreaterThanOrEqualTo(18 * CALL * 1_000);
        for (int i = 3; i < grants.size(); i++) {
            assertThat(grants.get(i) - grants.get(i - 1)).as("gap before call %d", i).isEqualTo(CALL * 1_000);
        }
    }

    @Test
    void shouldGiveTheBurstBackAfterTheLapseOnceTheScheduleIdles() {
        PacedSlots.State state = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0);
        long now = LAPSE + 5 * SECOND; // idle since the 429
        for (int i = 0; i < 6; i++) {
            PacedSlots.Decision d = PacedSlots.reserve(state, now, LAPSING, CALL, 0);
            assertThat(d.granted()).as("call %d of the burst", i).isTrue();
            state = d.next();
        }
        assertThat(PacedSlots.reserve(state, now, LAPSING, CALL, 0).granted()).as("the 7th waits").isFalse();
    }

    @Test
    void shouldKeepPacingWhileA429CameWithinTheSpellOrWhenPacingNeverLapses() {
        PacedSlots.State state = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0);
        state = PacedSlots.rateLimited(state, 100 * SECOND, 0);

        assertThat(PacedSlots.lapsed(state, 100 * SECOND + LAPSE - 1, LAPSING).paced())
                .as("the last 429, not the first, starts the spell").isTrue();
        assertThat(PacedSlots.lapsed(state, 100 * SECOND + LAPSE, LAPSING).paced()).isFalse();
        assertThat(PacedSlots.lapsed(state, 10_000 * SECOND, WINDOWED).paced()).as("no lapse configured").isTrue();
        PacedSlots.Decision d = PacedSlots.reserve(state, 100 * SECOND + LAPSE - 1, LAPSING, CALL, 0);
        assertThat(d.next().paced()).isTrue();
    }

    @Test
    void shouldPaceAgainFromTheStartPaceWhenA429ComesAfterTheLapse() {
        PacedSlots.State state = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0);
        state = PacedSlots.rateLimited(state, 5 * SECOND, 0); // margin widened
        PacedSlots.Decision unpaced = PacedSlots.reserve(state, 5 * SECOND + LAPSE, LAPSING, CALL, 0);
        assertThat(unpaced.next().paced()).isFalse();

        PacedSlots.State again = PacedSlots.rateLimited(unpaced.next(), 6 * SECOND + LAPSE, 0);
        assertThat(again.paced()).isTrue();
        assertThat(again.pace()).isEqualTo(PacedSlots.START_PACE);
        assertThat(again.extraMarginMicros()).as("what jitter taught still holds")
                .isEqualTo(PacedSlots.MARGIN_STEP_MICROS);
    }

    /**
     * Three instances take turns on one schedule (as they do through the store): the calls they
     * send together never put more than a second's share of the token limit into any one-second
     * span, and they reach at least 0.95 of the limit.
     */
    @Test
    void shouldKeepInstancesSharingOneScheduleUnderASlidingWindowAtNearlyTheLimit() {
        PacedSlots.Rates rates = new PacedSlots.Rates(600, 60_000, SECOND);
        PacedSlots.State state = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0); // learned: pace evenly
        long[] clocks = {0, 0, 0}; // each instance's own time: when its last call went out
        List<Long> sends = new ArrayList<>();
        for (int call = 0; call < 600; call++) {
            int instance = call % 3;
            long now = clocks[instance];
            PacedSlots.Decision d;
            while (!(d = PacedSlots.reserve(state, now, rates, 139, HORIZON)).granted()) {
                now += d.waitMicros();
            }
            state = d.next();
            long send = now + d.waitMicros();
            clocks[instance] = send;
            sends.add(send);
        }
        sends.sort(Long::compare);
        for (int i = 0; i < sends.size(); i++) {
            int inWindow = 0;
            for (int j = i; j < sends.size() && sends.get(j) < sends.get(i) + SECOND; j++) {
                inWindow++;
            }
            assertThat(inWindow * 139).as("tokens sent in the second from call %d", i).isLessThanOrEqualTo(1_000);
        }
        double seconds = (sends.get(sends.size() - 1) - sends.get(0)) / 1e6;
        double callsPerSecond = (sends.size() - 1) / seconds;
        assertThat(callsPerSecond / (60_000 / 60.0 / 139)).as("share of the token limit").isGreaterThanOrEqualTo(0.95);
    }

    // ---- the window log, once paced: 600 RPM and 60,000 TPM counted over 1 s windows ----

    private static final long MARGIN = 10_000;
    private static final PacedSlots.Rates WINDOWED = new PacedSlots.Rates(600, 60_000, SECOND, MARGIN);
    private static final long CALL = 139; // tokens: 7 calls fit a 1,000-token window, 8 do not
    /** Pacing lapses after 2 minutes without a 429. */
    private static final long LAPSE = 120 * SECOND;
    private static final PacedSlots.Rates LAPSING = new PacedSlots.Rates(600, 60_000, SECOND, MARGIN, LAPSE);

    /** Asks with no horizon, as the gate does, until granted; returns the grant time. */
    private static long grant(PacedSlots.State[] state, long now) {
        PacedSlots.Decision d;
        while (!(d = PacedSlots.reserve(state[0], now, WINDOWED, CALL, 0)).granted()) {
            now += d.waitMicros();
        }
        assertThat(d.waitMicros()).as("granted only when due").isZero();
        state[0] = d.next();
        return now;
    }

    @Test
    void shouldHoldTheEighthCallUntilTheFirstIsAWindowAndTheMarginOld() {
        PacedSlots.State[] state = {PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0)};
        long first = grant(state, 10 * SECOND);
        for (int i = 1; i < 7; i++) {
            long at = grant(state, first);
            assertThat(at - first).as("call %d, paced at 97 %%", i)
                    .isEqualTo(i * (long) Math.ceil(CALL * 60e6 / (60_000 * 0.97)));
        }
        // Paced alone, the eighth call would go 7 x 143.3 ms = 1,003 ms after the first: inside
        // the 1 s window (plus margin) that already holds 973 tokens.
        long eighth = grant(state, first);

        assertThat(eighth - first).isEqualTo(SECOND + MARGIN);
    }

    @Test
    void shouldCountALateCallFromWhenItWentSoThatJitterCannotBunchAWindow() {
        PacedSlots.State[] state = {PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0)};
        long first = grant(state, 10 * SECOND);
        long lateSecond = grant(state, first + 143_300 + 15_000); // its asker woke 15 ms late
        for (int i = 2; i < 7; i++) {
            grant(state, first);
        }
        long eighth = grant(state, first);
        long ninth = grant(state, eighth);

        assertThat(eighth - first).isEqualTo(SECOND + MARGIN);
        assertThat(ninth - lateSecond).as("a window plus the margin after the late call went")
                .isEqualTo(SECOND + MARGIN);
    }

    @Test
    void shouldKeepThePacedScheduleWhenTheAskerWakesLateButNotBurstAfterAnIdleSpell() {
        PacedSlots.State state = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0);
        PacedSlots.Rates requestsOnly = new PacedSlots.Rates(600, INF, SECOND);
        long interval = (long) Math.ceil(60e6 / (600 * PacedSlots.START_PACE));
        PacedSlots.Decision first = PacedSlots.reserve(state, 10 * SECOND, requestsOnly, 1, 0);
        PacedSlots.Decision late = PacedSlots.reserve(first.next(), 10 * SECOND + interval + 60_000, requestsOnly, 1,
                0);

        assertThat(late.granted()).isTrue();
        assertThat(late.next().requestTat()).as("the schedule did not lose the 60 ms")
                .isEqualTo(10 * SECOND + 2 * interval);

        long idle = 20 * SECOND;
        PacedSlots.Decision afterIdle = PacedSlots.reserve(late.next(), idle, requestsOnly, 1, 0);
        PacedSlots.Decision next = PacedSlots.reserve(afterIdle.next(), idle, requestsOnly, 1, 0);
        assertThat(afterIdle.waitMicros()).isZero();
        assertThat(next.granted()).as("no burst after an idle spell").isFalse();
        assertThat(next.waitMicros()).isEqualTo(interval);
    }

    @Test
    void shouldLeaveTheBurstAndTheFullRateToAProviderThatNeverRefused() {
        PacedSlots.State state = PacedSlots.State.FRESH;
        List<Long> grants = new ArrayList<>();
        long now = 10 * SECOND;
        for (int i = 0; i < 30; i++) {
            PacedSlots.Decision d;
            while (!(d = PacedSlots.reserve(state, now, WINDOWED, CALL, 0)).granted()) {
                now += d.waitMicros();
            }
            state = d.next();
            grants.add(now);
        }
        // A token bucket: 6 at once (the 7th the provider would admit kept in reserve), then one
        // call every 139 ms (1,000 tokens a second), unpaced.
        assertThat(grants.subList(0, 6)).containsOnly(10 * SECOND);
        assertThat(grants.get(6)).isGreaterThan(10 * SECOND);
        assertThat(grants.get(29) - grants.get(28)).isEqualTo(CALL * 1_000);
    }

    /**
     * Unpaced, against a token bucket of the provider's size (1,000 tokens, refilled at 1,000 a
     * second) that sees each call up to 100 ms late, in any order (the machine's jitter): the
     * call kept in reserve absorbs it, and the calls still go at the full rate.
     */
    @Test
    void shouldKeepACallOfTheProvidersBucketInReserveForJitterAtTheFullRate() {
        PacedSlots.State state = PacedSlots.State.FRESH;
        java.util.Random jitter = new java.util.Random(7);
        long now = 10 * SECOND;
        List<Long> arrivals = new ArrayList<>();
        for (int i = 0; i < 700; i++) {
            PacedSlots.Decision d;
            while (!(d = PacedSlots.reserve(state, now, WINDOWED, CALL, 0)).granted()) {
                now += d.waitMicros();
            }
            state = d.next();
            arrivals.add(now + jitter.nextInt(100_001));
        }
        arrivals.sort(Long::compare);
        double level = 1_000; // the provider's bucket, full at the start
        long last = arrivals.get(0);
        for (int i = 0; i < arrivals.size(); i++) {
            level = Math.min(1_000, level + (arrivals.get(i) - last) / 1_000.0);
            last = arrivals.get(i);
            assertThat(level).as("the provider's bucket when call %d arrives", i).isGreaterThanOrEqualTo(CALL);
            level -= CALL;
        }
        double seconds = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1e6;
        assertThat((arrivals.size() - 1) / seconds / (60_000 / 60.0 / CALL)).as("share of the token limit")
                .isGreaterThanOrEqualTo(0.99);
    }

    /**
     * An asker a little early (within the horizon) is granted its slot and logged at the slot,
     * so that the window after it is counted from when the call goes, not from a late ask; one
     * late is logged when it asks.
     */
    @Test
    void shouldLogTheSlotForAnEarlyAskerWithinTheHorizonAndTheAskForALateOne() {
        PacedSlots.State[] state = {PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0)};
        long first = grant(state, 10 * SECOND);
        for (int i = 1; i < 7; i++) {
            grant(state, first);
        }
        long slot = first + SECOND + MARGIN;
        PacedSlots.Decision early = PacedSlots.reserve(state[0], slot - 3_000, WINDOWED, CALL, 5_000);
        assertThat(early.granted()).isTrue();
        assertThat(early.waitMicros()).isEqualTo(3_000);
        assertThat(early.next().loggedAt()[early.next().loggedAt().length - 1]).isEqualTo(slot);

        PacedSlots.Decision tooEarly = PacedSlots.reserve(state[0], slot - 8_000, WINDOWED, CALL, 5_000);
        assertThat(tooEarly.granted()).isFalse();
        assertThat(tooEarly.waitMicros()).as("ask again 5 ms before the slot").isEqualTo(3_000);

        PacedSlots.Decision late = PacedSlots.reserve(state[0], slot + 2_000, WINDOWED, CALL, 5_000);
        assertThat(late.waitMicros()).isZero();
        assertThat(late.next().loggedAt()[late.next().loggedAt().length - 1]).isEqualTo(slot + 2_000);
    }

    @Test
    void shouldKeepOnlyTheCallsThatCanStillCountInTheLog() {
        PacedSlots.State[] state = {PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0)};
        long now = 10 * SECOND;
        for (int i = 0; i < 200; i++) {
            now = grant(state, now);
        }
        assertThat(state[0].loggedAt()).hasSizeLessThanOrEqualTo(8);
        assertThat(state[0].loggedAt()[state[0].loggedAt().length - 1]).isEqualTo(now);
    }

    @Test
    void shouldLetACallLargerThanTheWindowGoOnceTheWindowIsEmpty() {
        PacedSlots.State[] state = {PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0)};
        long small = grant(state, 10 * SECOND);
        PacedSlots.Decision big;
        long now = small;
        while (!(big = PacedSlots.reserve(state[0], now, WINDOWED, 5_000, 0)).granted()) {
            now += big.waitMicros();
        }
        assertThat(now).isEqualTo(small + SECOND + MARGIN);
    }

    /**
     * Three instances on one schedule, every call reaching a sliding-window provider up to the
     * margin later than it was granted (a seeded random jitter, the machine's): the provider
     * never sees more than a window's share in any window, and the calls reach at least 0.95 of
     * the token limit.
     */
    @Test
    void shouldNeverOverrunASlidingWindowWhenTheJitterStaysWithinTheMargin() {
        PacedSlots.State[] state = {PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 0)};
        java.util.Random jitter = new java.util.Random(12);
        long[] clocks = {0, 3_000, 7_000}; // when each instance's asker asks next
        long store = 0; // the store's clock: each grant happens after the one before
        List<Long> arrivals = new ArrayList<>();
        for (int call = 0; call < 700; call++) {
            int instance = jitter.nextInt(3);
            long at = grant(state, Math.max(store, clocks[instance]));
            store = at;
            clocks[instance] = at + jitter.nextInt(2_000);
            arrivals.add(at + jitter.nextInt((int) MARGIN + 1));
        }
        arrivals.sort(Long::compare);
        for (int i = 0; i < arrivals.size(); i++) {
            int inWindow = 0;
            for (int j = i; j < arrivals.size() && arrivals.get(j) < arrivals.get(i) + SECOND; j++) {
                inWindow++;
            }
            assertThat(inWindow * CALL).as("tokens arriving in the second from call %d", i).isLessThanOrEqualTo(1_000);
        }
        double seconds = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1e6;
        assertThat((arrivals.size() - 1) / seconds / (60_000 / 60.0 / CALL)).as("share of the token limit")
                .isGreaterThanOrEqualTo(0.95);
    }
}
