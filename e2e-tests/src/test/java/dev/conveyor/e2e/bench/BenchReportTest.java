package dev.conveyor.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.testing.RateLimitedProvider;

class BenchReportTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final BenchSettings defaults = BenchSettings.from(new Properties());

    @Test
    void shouldMeasureCompletedTasksAgainstTheRequestLimitWhenItBinds() {
        BenchReport report = BenchReport.of(measurement(600, 0, 60_000, counters(600, 0, 50)));

        assertThat(report.completedPerSecond()).isEqualTo(10.0);
        assertThat(report.bound()).isEqualTo(10.0);
        assertThat(report.bindingLimit()).isEqualTo("RPM");
        assertThat(report.ratio()).isEqualTo(1.0);
        assertThat(report.meetsTarget()).isTrue();
        assertThat(report.markdownRow()).contains("| **1.000** |").contains("| 10.00 (RPM) |").contains("| met |");
    }

    @Test
    void shouldLetTheTokenLimitBindWhenCallsReserveManyTokens() {
        // 150 tokens a call at 60000 TPM: 400 calls a minute, 6.67 a second
        BenchReport report = BenchReport.of(measurement(600, 0, 90_000, counters(600, 0, 150)));

        assertThat(report.bindingLimit()).isEqualTo("TPM");
        assertThat(report.bound()).isCloseTo(6.667, org.assertj.core.data.Offset.offset(0.001));
        assertThat(report.ratio()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void shouldNotCountFailedTasksAsThroughputNorMeetTheTargetWithThem() {
        BenchReport report = BenchReport.of(measurement(300, 300, 30_000, counters(900, 600, 50)));

        assertThat(report.completedPerSecond()).isEqualTo(10.0);
        assertThat(report.provider().rejectedShare()).isCloseTo(0.667, org.assertj.core.data.Offset.offset(0.001));
        assertThat(report.meetsTarget()).isFalse();
        assertThat(report.topFailures()).containsEntry("HTTP 429 rate limited", 300L);
        assertThat(report.markdownRow()).contains("| 300 / 300 |").contains("| missed |").contains("| 66.7 % |");
    }

    @Test
    void shouldMissTheTargetWithOnePercentOf429sOrMoreEvenAtFullThroughput() {
        BenchReport report = BenchReport.of(measurement(600, 0, 60_000, counters(607, 7, 50)));

        assertThat(report.ratio()).isEqualTo(1.0);
        assertThat(report.meetsTarget()).isFalse();
    }

    @Test
    void shouldGroupFailureReasonsThatDifferOnlyInTheirFigures() {
        assertThat(BenchReport.failureKind("model call failed with HTTP 429: Rate limit reached on tokens per min"
                + " (TPM): Limit 60000, Remaining 76, Requested 109. Please try again in 1.5s."))
                .isEqualTo(BenchReport.failureKind("model call failed with HTTP 429: Rate limit reached on tokens per"
                        + " min (TPM): Limit 60000, Remaining 5, Requested 111. Please try again in 20ms."))
                .startsWith("model call failed with HTTP 429: ").contains("Remaining #");
    }

    @Test
    void shouldTakeNearestRankPercentilesOfTaskLatency() {
        List<Long> sorted = LongStream.rangeClosed(1, 100).boxed().toList();

        assertThat(BenchReport.percentile(sorted, 0.50)).isEqualTo(50);
        assertThat(BenchReport.percentile(sorted, 0.99)).isEqualTo(99);
        assertThat(BenchReport.percentile(List.of(7L), 0.99)).isEqualTo(7);
        assertThat(BenchReport.percentile(List.of(), 0.5)).isZero();
    }

    @Test
    void shouldCountLostTasksAndWorkerCpuPerTask() {
        BenchReport.Measurement m = measurement(500, 0, 50_000, counters(500, 0, 50));
        BenchReport report = BenchReport.of(new BenchReport.Measurement(defaults, "test", 600, m.results(), 2,
                m.startMillis(), m.endMillis(), m.provider(), Duration.ofSeconds(3), m.expectedAnswers(), List.of()));

        assertThat(report.lost()).isEqualTo(100);
        assertThat(report.cpuMillisPerTask()).isEqualTo(5.0);
        assertThat(report.meetsTarget()).isFalse();
        assertThat(report.markdownRow()).contains("(100 lost)").contains("| 2 |");
    }

    private BenchReport.Measurement measurement(int completed, int failed, long wallMillis,
            RateLimitedProvider.Counters counters) {
        List<ResultCollector.Received> results = new ArrayList<>();
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < completed + failed; i++) {
            boolean ok = i < completed;
            String id = "task-" + i;
            expected.put(id, "Positive");
            TaskFinished result = TaskFinished.newBuilder()
                    .setTaskId(id).setRunId("run").setWorkflowId("wf").setReferenceId("ref-" + i)
                    .setSourceConnection("bench").setProcessName("sentiment").setStageIndex(0)
                    .setOutcome(ok ? TaskOutcome.COMPLETED : TaskOutcome.FAILED)
                    .setOutput(ok ? "Positive" : null).setError(ok ? null : "HTTP 429 rate limited")
                    .setModel("m").setIssuedAt(T0).setFinishedAt(T0.plusMillis(200 + i)).build();
            results.add(new ResultCollector.Received(result, T0.toEpochMilli() + i));
        }
        return new BenchReport.Measurement(defaults, "test", completed + failed, results, 0, 0, wallMillis, counters,
                Duration.ofMillis(600), expected, List.of());
    }

    private static RateLimitedProvider.Counters counters(long requests, long rejected, long tokensPerCall) {
        long answered = requests - rejected;
        return new RateLimitedProvider.Counters(requests, answered, rejected, answered * tokensPerCall);
    }
}
