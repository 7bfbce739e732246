package dev.conveyor.orchestrator.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

/**
 * What the run coordinators do, as Micrometer meters on /q/metrics: runs started and finished (by
 * final status, and whether any row Failed), how long runs and stages took. Recorded where the
 * coordinator decides, so each figure counts once over all instances; Quarkus adds its Prometheus
 * registry to Micrometer's global one, which {@link #global()} records into.
 */
public final class RunMeters {

    private static final RunMeters GLOBAL = new RunMeters(Metrics.globalRegistry);

    private final MeterRegistry registry;

    public RunMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    public static RunMeters global() {
        return GLOBAL;
    }

    /** A run's first stage opened. */
    public void runStarted() {
        registry.counter("conveyor.orchestrator.runs.started").increment();
    }

    /**
     * A run ended: COMPLETED, BUDGET_EXHAUSTED or CANCELLED; {@code failedTasks} says whether any
     * of its tasks ended Failed (the run itself still completes).
     */
    public void runFinished(String status, long failedTasks, Instant startedAt, Instant finishedAt) {
        String s = status.toLowerCase(Locale.ROOT);
        String failures = Boolean.toString(failedTasks > 0);
        registry.counter("conveyor.orchestrator.runs.finished", "status", s, "with_failed_rows", failures)
                .increment();
        if (startedAt != null && finishedAt != null) {
            Timer.builder("conveyor.orchestrator.run.duration").description("From a run's start to its end")
                    .tag("status", s).register(registry).record(Duration.between(startedAt, finishedAt));
        }
    }

    /**
     * A stage of a STAGED run ended (the next one opened, or the run ended): from the stage's
     * opening to the moment every partition counted it done.
     */
    public void stageEnded(String processName, int stageIndex, Instant openedAt, Instant endedAt) {
        if (openedAt == null || endedAt == null) {
            return;
        }
        Timer.builder("conveyor.orchestrator.stage.duration")
                .description("From a stage's opening to its last result counted")
                .tag("process", processName).tag("stage", Integer.toString(stageIndex))
                .register(registry).record(Duration.between(openedAt, endedAt));
    }
}
