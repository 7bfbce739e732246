package dev.conveyor.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conveyor.testing.JitThreads;

class WarmupRoundTest {

    @Test
    void flatCostWhileTheCompilersStillWorkIsNotSettled() {
        // the third session's stop: two rounds within 10 %, C2 still compiling the append's methods
        assertThat(WarmupRound.settled(List.of(new WarmupRound(0.96, 0.23), new WarmupRound(0.93, 0.21)))).isFalse();
    }

    @Test
    void quietCompilersAndFlatCostAreSettled() {
        assertThat(WarmupRound.settled(List.of(new WarmupRound(0.42, 0.25), new WarmupRound(0.31, 0.10),
                new WarmupRound(0.32, 0.12)))).isTrue();
    }

    @Test
    void aDropAfterTheCompilersWentQuietIsNotSettledYet() {
        assertThat(WarmupRound.settled(List.of(new WarmupRound(0.42, 0.02), new WarmupRound(0.31, 0.01)))).isFalse();
    }

    @Test
    void oneRoundIsNeverSettled() {
        assertThat(WarmupRound.settled(List.of(new WarmupRound(0.3, 0.0)))).isFalse();
    }

    @Test
    void readsUserAndSystemTicksOfAThreadWhoseNameHasSpaces() {
        String stat = "4242 (C2 CompilerThre) S 1 4242 4242 0 -1 4194368 100 0 0 0 250 30 0 0 20 0 1 0 100 0 0";
        assertThat(JitThreads.ticksMs(stat)).isEqualTo(2_800.0);
    }
}
