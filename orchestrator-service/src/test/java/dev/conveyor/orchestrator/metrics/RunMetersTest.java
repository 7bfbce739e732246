package dev.conveyor.orchestrator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.RunStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class RunMetersTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void shouldCountRunsByStatusAndWhetherRowsFailed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RunMeters meters = new RunMeters(registry);

        meters.runStarted();
        meters.runStarted();
        meters.runFinished("COMPLETED", 0, T0, T0.plusSeconds(30));
        meters.runFinished("CANCELLED", 2, T0, T0.plusSeconds(5));

        assertThat(registry.get("conveyor.orchestrator.runs.started").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("conveyor.orchestrator.runs.finished")
                .tags("status", "completed", "with_failed_rows", "false").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("conveyor.orchestrator.runs.finished")
                .tags("status", "cancelled", "with_failed_rows", "true").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("conveyor.orchestrator.run.duration").tag("status", "completed").timer()
                .totalTime(TimeUnit.SECONDS)).isEqualTo(30.0);
    }

    @Test
    void shouldTimeEachStageByProcessAndSkipAStageWithoutAnOpeningTime() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RunMeters meters = new RunMeters(registry);

        meters.stageEnded("sentiment", 0, T0, T0.plus(Duration.ofMillis(1500)));
        meters.stageEnded("summarization", 1, null, T0);

        assertThat(registry.get("conveyor.orchestrator.stage.duration").tags("process", "sentiment", "stage", "0")
                .timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500.0);
        assertThat(registry.find("conveyor.orchestrator.stage.duration").tag("process", "summarization").timer())
                .isNull();
    }

    @Test
    void shouldGaugeActiveRunsByStatusAndKeepTheLastFiguresWhileTheStoreIsUnavailable() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        counts.put(RunStatus.RUNNING, 3L);
        counts.put(RunStatus.COMPLETED, 9L);
        java.util.concurrent.atomic.AtomicReference<Map<RunStatus, Long>> answer =
                new java.util.concurrent.atomic.AtomicReference<>(counts);
        new ActiveRunsGauge(answer::get).bindTo(registry);

        assertThat(registry.get("conveyor.orchestrator.runs.active").tag("status", "running").gauge().value())
                .isEqualTo(3.0);
        assertThat(registry.get("conveyor.orchestrator.runs.active").tag("status", "paused").gauge().value())
                .isZero();
        assertThat(registry.find("conveyor.orchestrator.runs.active").tag("status", "completed").gauge())
                .as("ended runs are not active").isNull();

        answer.set(null); // rebalancing: the store cannot be read
        assertThat(registry.get("conveyor.orchestrator.runs.active").tag("status", "running").gauge().value())
                .isEqualTo(3.0);
    }
}
