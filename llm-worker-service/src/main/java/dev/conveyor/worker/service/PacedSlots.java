package dev.conveyor.worker.service;

/**
 * The arithmetic of the shared rate limit: a virtual-scheduling (GCRA) schedule per model. Each
 * call takes the next slot of the request schedule and, for its reserved tokens, of the token
 * schedule; a slot is one limit's interval (60 s / RPM, or tokens x 60 s / TPM) after the last.
 * Slots may run ahead of now by the burst (a token bucket's capacity) until a 429 shows that the
 * provider counts over a shorter window; then calls are paced evenly, below the limit by
 * {@link #pace}. Times are microseconds on the store's clock, so that instances with skewed
 * clocks share one schedule. Pure and immutable: the stores hold the {@link State} and apply this.
 */
public final class PacedSlots {

    /** Share of the limit paced at after the first 429; each further 429 (a second apart) takes 1 % off. */
    static final double START_PACE = 0.97;
    static final double MIN_PACE = 0.95;
    /** Further 429s within this long of a pace change come from the same burst: they change nothing more. */
    static final long PACE_SETTLE_MICROS = 2_000_000;

    private PacedSlots() {
    }

    /** One model's schedule, as stored. */
    public record State(long requestTat, long tokenTat, boolean paced, double pace, long paceChangedAt) {
        public static final State FRESH = new State(0, 0, false, 1.0, 0);
    }

    /** The limits in use (infinite where unknown) and the burst allowed until a 429. */
    public record Rates(double requestsPerMinute, double tokensPerMinute, long burstMicros) {
        boolean unknown() {
            return requestsPerMinute == Double.POSITIVE_INFINITY && tokensPerMinute == Double.POSITIVE_INFINITY;
        }
    }

    /**
     * A slot taken ({@code granted}: send after {@code waitMicros}), or none within the horizon
     * (ask again after {@code waitMicros}); {@code next} is the state to store.
     */
    public record Decision(boolean granted, long waitMicros, State next) {
    }

    /** Takes the next slot of one call reserving {@code tokens}, if it starts within {@code horizonMicros}. */
    public static Decision reserve(State s, long now, Rates rates, long tokens, long horizonMicros) {
        double pace = s.paced() ? s.pace() : 1.0;
        long requestCost = cost(1, rates.requestsPerMinute(), pace);
        long tokenCost = cost(Math.max(0, tokens), rates.tokensPerMinute(), pace);
        long requestSlot = Math.max(s.requestTat(), now - tolerance(s, rates, requestCost));
        long tokenSlot = Math.max(s.tokenTat(), now - tolerance(s, rates, tokenCost));
        long send = Math.max(now, Math.max(requestSlot, tokenSlot));
        if (send > now + horizonMicros) {
            return new Decision(false, send - now - horizonMicros, s);
        }
        State next = new State(requestSlot + requestCost, tokenSlot + tokenCost, s.paced(), s.pace(),
                s.paceChangedAt());
        return new Decision(true, send - now, next);
    }

    /**
     * The provider answered 429: every instance holds its calls for {@code pauseMicros} and paces
     * evenly from now on, a little slower with each 429 that comes later than the first burst's.
     */
    public static State rateLimited(State s, long now, long pauseMicros) {
        boolean paced = true;
        double pace = s.pace();
        long changedAt = s.paceChangedAt();
        if (!s.paced()) {
            pace = START_PACE;
            changedAt = now;
        } else if (now - s.paceChangedAt() > PACE_SETTLE_MICROS) {
            pace = Math.max(MIN_PACE, s.pace() - 0.01);
            changedAt = now;
        }
        long resume = now + Math.max(0, pauseMicros);
        return new State(Math.max(s.requestTat(), resume), Math.max(s.tokenTat(), resume), paced, pace, changedAt);
    }

    /** How far a slot may lie before now: the burst less the call's own cost, nothing once paced. */
    private static long tolerance(State s, Rates rates, long ownCost) {
        return s.paced() ? 0 : Math.max(0, rates.burstMicros() - ownCost);
    }

    private static long cost(long units, double perMinute, double pace) {
        if (perMinute == Double.POSITIVE_INFINITY || units == 0) {
            return 0;
        }
        return (long) Math.ceil(units * 60e6 / (perMinute * pace));
    }
}
