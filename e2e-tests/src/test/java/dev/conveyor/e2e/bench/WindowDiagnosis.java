package dev.conveyor.e2e.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.conveyor.testing.RateLimitedProvider;

/**
 * Explains a run's 429s from the provider's side: when they came (the run's first seconds or
 * its steady state), which limit refused them, and how the calls before each were spaced as the
 * provider saw them. Against a window-counting provider the figure that matters is the span of
 * {@code n} consecutive admitted calls, where n is how many calls one window holds: below the
 * window, the next call is refused.
 */
final class WindowDiagnosis {

    private WindowDiagnosis() {
    }

    /**
     * @param calls the measured run's calls, in the provider's order
     * @param windowNanos the provider's enforcement window
     * @param tokensPerWindow the window's share of the token limit
     * @param requestsPerWindow the window's share of the request limit
     */
    static List<String> lines(List<RateLimitedProvider.Call> calls, long windowNanos, long tokensPerWindow,
            long requestsPerWindow) {
        List<String> out = new ArrayList<>();
        if (calls.isEmpty()) {
            return out;
        }
        long start = calls.get(0).atNanos();
        List<RateLimitedProvider.Call> admitted = calls.stream().filter(RateLimitedProvider.Call::admitted).toList();
        long cost = admitted.isEmpty() ? 1 : Math.max(1, admitted.stream()
                .mapToLong(RateLimitedProvider.Call::tokens).sorted().skip(admitted.size() / 2).findFirst().orElse(1));
        int perWindow = (int) Math.max(1, Math.min(requestsPerWindow, tokensPerWindow / cost));
        List<Long> spans = new ArrayList<>();
        for (int i = 0; i + perWindow < admitted.size(); i++) {
            spans.add(admitted.get(i + perWindow).atNanos() - admitted.get(i).atNanos());
        }
        spans.sort(null);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < admitted.size(); i++) {
            gaps.add(admitted.get(i).atNanos() - admitted.get(i - 1).atNanos());
        }
        gaps.sort(null);
        out.add(String.format(Locale.ROOT, "  provider side: %d calls, %d admitted; a window holds %d calls of %d tokens;"
                + " gap between admitted calls p1 %.1f / p50 %.1f / p99 %.1f ms; span of %d admitted calls"
                + " (window %d ms) min %.1f / p1 %.1f / p5 %.1f / p50 %.1f ms",
                calls.size(), admitted.size(), perWindow, cost, ms(pct(gaps, 0.01)), ms(pct(gaps, 0.5)),
                ms(pct(gaps, 0.99)), perWindow + 1, windowNanos / 1_000_000, ms(pct(spans, 0)), ms(pct(spans, 0.01)),
                ms(pct(spans, 0.05)), ms(pct(spans, 0.5))));
        int shown = 0;
        for (int i = 0; i < calls.size(); i++) {
            RateLimitedProvider.Call call = calls.get(i);
            if (call.admitted()) {
                continue;
            }
            List<Long> before = new ArrayList<>();
            for (int j = i - 1; j >= 0 && before.size() < perWindow; j--) {
                if (calls.get(j).admitted()) {
                    before.add(0, calls.get(j).atNanos());
                }
            }
            StringBuilder ages = new StringBuilder();
            for (long at : before) {
                ages.append(ages.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f",
                        ms(call.atNanos() - at)));
            }
            if (shown++ < 12) {
                out.add(String.format(Locale.ROOT, "  429 at +%.3f s (%s): the last %d admitted calls %s ms before it",
                        (call.atNanos() - start) / 1e9, call.refusedBy(), before.size(), ages));
            }
        }
        return out;
    }

    private static long pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
