package dev.conveyor.worker.service;

import java.util.Arrays;

/**
 * The arithmetic of the shared rate limit: a virtual-scheduling (GCRA) schedule per model. Each
 * call takes the next slot of the request schedule and, for its reserved tokens, of the token
 * schedule; a slot is one limit's interval (60 s / RPM, or tokens x 60 s / TPM) after the last.
 * Slots may run ahead of now by the burst (a token bucket's capacity) until a 429 shows that the
 * provider counts over a shorter window; then calls are paced evenly, below the limit by
 * {@link #pace}.
 *
 * <p>Paced, a call must also fit the <b>window log</b>: the calls granted within the last window
 * (the burst, 1 s) plus a margin hold at most the window's share of each limit, counted from the
 * times the calls were granted, not from their planned slots. That is what a provider counting
 * over a sliding or fixed window checks, and it corrects itself: a call that went out late pushes
 * back the call a whole window after it, so that jitter in the send times cannot bunch a window's
 * worth plus one into one window. Even spacing alone cannot: calls 143 ms apart put 8 calls of a
 * 1,000-token window (7 fit) within 1,003 ms, 3 ms of slack for every jitter of the machine.
 *
 * <p>A later 429 (once the first burst's have settled) widens the window log's margin by
 * {@link #MARGIN_STEP_MICROS}, up to {@link #MAX_EXTRA_MARGIN_MICROS}; only then does the pace go
 * down, to {@link #MIN_PACE} at most. Each 1 % of pace costs a window provider ~10 ms a window as
 * well, and the window log binds before the pace does: widening the margin is the cheaper
 * answer to a 429 that jitter caused. Pacing lapses after a spell without any 429
 * ({@link Rates#unpaceAfterMicros}), so that a token-bucket provider, which only needed the
 * pause, gets its full rate and its burst back; a window provider teaches the schedule again
 * with one 429.
 *
 * <p>Times are microseconds on the store's clock, so that instances with skewed clocks share one
 * schedule. Pure and immutable: the stores hold the {@link State} and apply this.
 */
public final class PacedSlots {

    /** Share of the limit paced at after the first 429; a later 429 takes 1 % off once the margin is at its widest. */
    static final double START_PACE = 0.97;
    static final double MIN_PACE = 0.96;
    /** What a later 429 adds to the window log's margin. */
    static final long MARGIN_STEP_MICROS = 5_000;
    /** The most later 429s add to the margin: 10 ms more costs ~1 % of a window provider's limit. */
    static final long MAX_EXTRA_MARGIN_MICROS = 10_000;
    /** Further 429s within this long of a pace change come from the same burst: they change nothing more. */
    static final long PACE_SETTLE_MICROS = 2_000_000;
    /**
     * Paced, a call granted up to this much (and at most its own interval) after its slot keeps
     * the schedule where it was: the asker woke late (a sleep, a round trip to the store, a busy
     * machine), which must not cost the schedule that time for good. The window log still counts
     * the call when it was granted, so a catching-up call cannot overrun a window.
     */
    static final long LATE_TOLERANCE_MICROS = 100_000;
    /** The window log never holds more calls than this (a window's share of a very high limit). */
    static final int MAX_LOGGED = 4_096;
    private static final long[] NONE = new long[0];

    private PacedSlots() {
    }

    /**
     * One model's schedule, as stored: the two theoretical arrival times, whether and how far
     * it is paced, and the window log (grant times and tokens of the calls granted lately,
     * oldest first).
     */
    public record State(long requestTat, long tokenTat, boolean paced, double pace, long paceChangedAt,
            long[] loggedAt, long[] loggedTokens, long extraMarginMicros, long lastLimitedAt) {

        public static final State FRESH = new State(0, 0, false, 1.0, 0);

        public State {
            loggedAt = loggedAt == null ? NONE : loggedAt;
            loggedTokens = loggedTokens == null ? NONE : loggedTokens;
            if (loggedAt.length != loggedTokens.length) {
                throw new IllegalArgumentException("window log: " + loggedAt.length + " times, "
                        + loggedTokens.length + " token counts");
            }
        }

        public State(long requestTat, long tokenTat, boolean paced, double pace, long paceChangedAt) {
            this(requestTat, tokenTat, paced, pace, paceChangedAt, NONE, NONE, 0, 0);
        }

        /** The margin the window log counts with: the configured one plus what later 429s added. */
        long marginMicros(Rates rates) {
            return Math.max(0, rates.marginMicros()) + extraMarginMicros;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof State s && requestTat == s.requestTat && tokenTat == s.tokenTat && paced == s.paced
                    && Double.compare(pace, s.pace) == 0 && paceChangedAt == s.paceChangedAt
                    && Arrays.equals(loggedAt, s.loggedAt) && Arrays.equals(loggedTokens, s.loggedTokens)
                    && extraMarginMicros == s.extraMarginMicros && lastLimitedAt == s.lastLimitedAt;
        }

        @Override
        public int hashCode() {
            return 31 * Long.hashCode(requestTat) + Arrays.hashCode(loggedAt);
        }

        @Override
        public String toString() {
            return "State[requestTat=" + requestTat + ", tokenTat=" + tokenTat + ", paced=" + paced + ", pace=" + pace
                    + ", logged=" + loggedAt.length + ", extraMargin=" + extraMarginMicros + ", lastLimitedAt="
                    + lastLimitedAt + "]";
        }
    }

    /**
     * The limits in use (infinite where unknown), the window the provider is taken to count over
     * (it is also the burst allowed until a 429), the margin added to that window in the
     * window log, for the jitter between a grant and the provider's count, and how long after
     * the last 429 pacing lapses (0: never).
     */
    public record Rates(double requestsPerMinute, double tokensPerMinute, long burstMicros, long marginMicros,
            long unpaceAfterMicros) {

        public Rates(double requestsPerMinute, double tokensPerMinute, long burstMicros) {
            this(requestsPerMinute, tokensPerMinute, burstMicros, 0);
        }

        public Rates(double requestsPerMinute, double tokensPerMinute, long burstMicros, long marginMicros) {
            this(requestsPerMinute, tokensPerMinute, burstMicros, marginMicros, 0);
        }

        boolean unknown() {
            return requestsPerMinute == Double.POSITIVE_INFINITY && tokensPerMinute == Double.POSITIVE_INFINITY;
        }

        /** The window's share of a per-minute limit, whole units (a provider admits whole calls), at least 1. */
        long perWindow(double perMinute) {
            return perMinute == Double.POSITIVE_INFINITY ? Long.MAX_VALUE
                    : Math.max(1, (long) Math.floor(perMinute * burstMicros / 60e6 + 1e-9));
        }
    }

    /**
     * A slot taken ({@code granted}: send after {@code waitMicros}), or none within the horizon
     * (ask again after {@code waitMicros}); {@code next} is the state to store.
     */
    public record Decision(boolean granted, long waitMicros, State next) {
    }

    /**
     * Takes the next slot of one call reserving {@code tokens}, if it starts within {@code horizonMicros}.
     * With a horizon of 0 the call is granted only when it may go now, and the window log
     * records it at {@code now}: the time it actually goes.
     */
    public static Decision reserve(State s, long now, Rates rates, long tokens, long horizonMicros) {
        s = lapsed(s, now, rates);
        double pace = s.paced() ? s.pace() : 1.0;
        long requestCost = cost(1, rates.requestsPerMinute(), pace);
        long tokenCost = cost(Math.max(0, tokens), rates.tokensPerMinute(), pace);
        long requestSlot = slot(s, s.requestTat(), now, rates, requestCost);
        long tokenSlot = slot(s, s.tokenTat(), now, rates, tokenCost);
        long send = Math.max(now, Math.max(requestSlot, tokenSlot));
        if (s.paced()) {
            send = Math.max(send, windowSlot(s, rates, Math.max(0, tokens), send));
        }
        if (send > now + horizonMicros) {
            return new Decision(false, send - now - horizonMicros, s);
        }
        long[][] log = logged(s, send, windowMicros(s, rates), Math.max(0, tokens));
        State next = new State(requestSlot + requestCost, tokenSlot + tokenCost, s.paced(), s.pace(),
                s.paceChangedAt(), log[0], log[1], s.extraMarginMicros(), s.lastLimitedAt());
        return new Decision(true, send - now, next);
    }

    /**
     * The earliest time from {@code from} at which one more call of {@code tokens} fits the
     * window log: the calls logged within the window (plus margin) before it, and it, hold at most
     * the window's share of each limit. A call larger than the window's whole token share waits
     * for an empty window.
     */
    static long windowSlot(State s, Rates rates, long tokens, long from) {
        long window = windowMicros(s, rates);
        long requestShare = rates.perWindow(rates.requestsPerMinute());
        long tokenShare = rates.perWindow(rates.tokensPerMinute());
        long[] at = s.loggedAt();
        long[] used = s.loggedTokens();
        int first = 0;
        long inWindowTokens = 0;
        while (first < at.length && at[first] <= from - window) {
            first++;
        }
        for (int i = first; i < at.length; i++) {
            inWindowTokens += used[i];
        }
        long slot = from;
        // Drop the oldest calls until the new one fits; it may go once the last dropped one ages out.
        while (first < at.length && (at.length - first + 1 > requestShare
                || (inWindowTokens + tokens > tokenShare && (tokens <= tokenShare || inWindowTokens > 0)))) {
            slot = Math.max(slot, at[first] + window);
            inWindowTokens -= used[first];
            first++;
        }
        return slot;
    }

    /** The log with the new call at {@code at}, without the calls that can no longer count. */
    private static long[][] logged(State s, long at, long window, long tokens) {
        long[] times = s.loggedAt();
        long[] used = s.loggedTokens();
        int first = 0;
        while (first < times.length && times[first] <= at - window) {
            first++;
        }
        int kept = Math.min(times.length - first, MAX_LOGGED - 1);
        first = times.length - kept;
        long[] nextAt = new long[kept + 1];
        long[] nextTokens = new long[kept + 1];
        System.arraycopy(times, first, nextAt, 0, kept);
        System.arraycopy(used, first, nextTokens, 0, kept);
        nextAt[kept] = at;
        nextTokens[kept] = tokens;
        // keep the log ordered even if a call was granted ahead of one logged later
        if (kept > 0 && nextAt[kept - 1] > at) {
            for (int i = kept; i > 0 && nextAt[i - 1] > nextAt[i]; i--) {
                long t = nextAt[i];
                nextAt[i] = nextAt[i - 1];
                nextAt[i - 1] = t;
                long u = nextTokens[i];
                nextTokens[i] = nextTokens[i - 1];
                nextTokens[i - 1] = u;
            }
        }
        return new long[][] {nextAt, nextTokens};
    }

    private static long windowMicros(State s, Rates rates) {
        return Math.max(1, rates.burstMicros()) + s.marginMicros(rates);
    }

    /**
     * The schedule as it stands at {@code now}: unpaced again when no 429 has come for
     * {@link Rates#unpaceAfterMicros}. The theoretical arrival times stay: a schedule kept busy
     * up to the switch has no burst to give (nor has the provider), one that idled has the burst
     * its idle time refilled, as a token bucket does.
     */
    static State lapsed(State s, long now, Rates rates) {
        if (!s.paced() || rates.unpaceAfterMicros() <= 0 || now - s.lastLimitedAt() < rates.unpaceAfterMicros()) {
            return s;
        }
        return new State(s.requestTat(), s.tokenTat(), false, 1.0, now, s.loggedAt(), s.loggedTokens(),
                s.extraMarginMicros(), s.lastLimitedAt());
    }

    /**
     * The provider answered 429: every instance holds its calls for {@code pauseMicros} and paces
     * evenly from now on. A 429 that comes later than the first burst's widens the window log's
     * margin, and once that is at its widest, slows the pace by 1 %.
     */
    public static State rateLimited(State s, long now, long pauseMicros) {
        boolean paced = true;
        double pace = s.pace();
        long changedAt = s.paceChangedAt();
        long extraMargin = s.extraMarginMicros();
        if (!s.paced()) {
            pace = START_PACE;
            changedAt = now;
        } else if (now - s.paceChangedAt() > PACE_SETTLE_MICROS) {
            if (extraMargin < MAX_EXTRA_MARGIN_MICROS) {
                extraMargin = Math.min(MAX_EXTRA_MARGIN_MICROS, extraMargin + MARGIN_STEP_MICROS);
            } else {
                pace = Math.max(MIN_PACE, s.pace() - 0.01);
            }
            changedAt = now;
        }
        long resume = now + Math.max(0, pauseMicros);
        return new State(Math.max(s.requestTat(), resume), Math.max(s.tokenTat(), resume), paced, pace, changedAt,
                s.loggedAt(), s.loggedTokens(), extraMargin, now);
    }

    /**
     * Where a call's slot lies on one schedule whose theoretical arrival time is {@code tat}.
     * Unpaced, up to the burst (less the call's own cost and one more call's) before now. Paced, at {@code tat} even
     * when that has just passed (the asker woke late), but not more than
     * {@link #LATE_TOLERANCE_MICROS} or one interval before now: a schedule idle for longer starts
     * again at now, with no burst.
     */
    private static long slot(State s, long tat, long now, Rates rates, long ownCost) {
        if (s.paced()) {
            return tat >= now - Math.min(LATE_TOLERANCE_MICROS, ownCost) ? tat : now;
        }
        // The burst holds one call less than the provider's allowance: at the full rate the
        // provider's bucket then keeps a call's worth in reserve (139 ms of jitter for a 139-token
        // call at 1,000 tokens a second, where it kept 27 ms), at the cost of one call of the first burst.
        return Math.max(tat, now - Math.max(0, rates.burstMicros() - 2 * ownCost));
    }

    private static long cost(long units, double perMinute, double pace) {
        if (perMinute == Double.POSITIVE_INFINITY || units == 0) {
            return 0;
        }
        return (long) Math.ceil(units * 60e6 / (perMinute * pace));
    }
}
