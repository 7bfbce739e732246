package dev.conveyor.e2e.bench;

import java.util.List;

/**
 * One warm-up round of a benchmark against a separate service JVM: its CPU per operation and the
 * share of that CPU its JIT compiler threads used. On two shared cores C2's queue drains slowly: a
 * round-to-round test alone (10 %) stopped the Path benchmark at 0.93 ms per append while the
 * append's own methods were still being compiled; 60,000 appends later it cost 0.32 ms.
 *
 * @param cpuPerAppendMs the service JVM's CPU time per operation in the round
 * @param compilerShare the part of that CPU its JIT compiler threads used, 0..1
 */
record WarmupRound(double cpuPerAppendMs, double compilerShare) {

    /**
     * The compilers' share under which a round counts as compiled code. C2 never goes fully quiet
     * on this machine (late, small compilations: 8–12 % in rounds 21–24 of 5,000 appends while the
     * CPU per append stayed at 0.28–0.31 ms); before that it was 20–46 %.
     */
    static final double COMPILER_QUIET = 0.15;

    /**
     * Settled: the compilers were quiet in the last two rounds and the CPU per operation of the
     * last round is within 10 % of the round before.
     */
    static boolean settled(List<WarmupRound> rounds) {
        int n = rounds.size();
        if (n < 2) {
            return false;
        }
        WarmupRound last = rounds.get(n - 1);
        WarmupRound before = rounds.get(n - 2);
        return last.compilerShare() < COMPILER_QUIET && before.compilerShare() < COMPILER_QUIET
                && Math.abs(last.cpuPerAppendMs() - before.cpuPerAppendMs()) <= 0.1 * before.cpuPerAppendMs();
    }
}
