package dev.conveyor.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conveyor.testing.RateLimitedProvider;

class WindowDiagnosisTest {

    private static final long MS = 1_000_000;

    @Test
    void shouldShowTheSpacingTheProviderSawAndTheWindowOfEach429() {
        List<RateLimitedProvider.Call> calls = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            calls.add(new RateLimitedProvider.Call(i * 140 * MS, 0, 139, null));
        }
        calls.add(new RateLimitedProvider.Call(990 * MS, 0, 139, "tokens")); // 8th within the second
        calls.add(new RateLimitedProvider.Call(1_010 * MS, 0, 139, null));

        List<String> lines = WindowDiagnosis.lines(calls, 1_000 * MS, 1_000, 10);

        assertThat(lines.get(0)).contains("9 calls, 8 admitted", "a window holds 7 calls of 139 tokens",
                "span of 8 admitted calls (window 1000 ms) min 1010.0");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).isEqualTo(
                "  429 at +0.990 s (tokens): the last 7 admitted calls 990.0, 850.0, 710.0, 570.0, 430.0, 290.0, 150.0"
                        + " ms before it");
    }
}
