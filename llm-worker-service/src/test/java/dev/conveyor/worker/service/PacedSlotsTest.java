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
        for (int i = 0; i < 10; i++) {
            PacedSlots.Decision d = PacedSlots.reserve(state, now, rates, 50, HORIZON);
            assertThat(d.granted()).isTrue();
            assertThat(d.waitMicros()).as("call %d of a 1 s burst of 600 RPM", i).isZero();
            state = d.next();
        }
        PacedSlots.Decision eleventh = PacedSlots.reserve(state, now, rates, 50, HORIZON);
        assertThat(eleventh.granted()).isTrue();
        assertThat(eleventh.waitMicros()).isEqualTo(100_000); // 60 s / 600
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
    void shouldPaceEvenlyAfterA429AndSlowDownOnlyForLater429s() {
        PacedSlots.State state = PacedSlots.rateLimited(PacedSlots.State.FRESH, 0, 300_000);
        assertThat(state.paced()).isTrue();
        assertThat(state.pace()).isEqualTo(PacedSlots.START_PACE);
        assertThat(state.requestTat()).as("every instance waits out the pause").isEqualTo(300_000);

        state = PacedSlots.rateLimited(state, SECOND, 0);
        assertThat(state.pace()).as("a 429 of the same burst").isEqualTo(PacedSlots.START_PACE);
        state = PacedSlots.rateLimited(state, 4 * SECOND, 0);
        assertThat(state.pace()).isEqualTo(0.96, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 5; i++) {
            state = PacedSlots.rateLimited(state, (10 + 3 * i) * SECOND, 0);
        }
        assertThat(state.pace()).isEqualTo(PacedSlots.MIN_PACE);

        // Paced: no burst, one call every 60 s / (600 x 0.95)
        PacedSlots.Rates rates = new PacedSlots.Rates(600, INF, SECOND);
        PacedSlots.Decision a = PacedSlots.reserve(state, 100 * SECOND, rates, 1, HORIZON);
        PacedSlots.Decision b = PacedSlots.reserve(a.next(), 100 * SECOND, rates, 1, HORIZON);
        assertThat(a.waitMicros()).isZero();
        assertThat(b.waitMicros()).isEqualTo((long) Math.ceil(60e6 / (600 * 0.95)));
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
}
