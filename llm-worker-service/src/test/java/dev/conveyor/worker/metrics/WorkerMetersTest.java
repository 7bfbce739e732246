package dev.conveyor.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskOutcome;

class WorkerMetersTest {

    @Test
    void shouldReadTheWorkersFiguresWhenScraped() {
        AtomicInteger inFlight = new AtomicInteger(3);
        AtomicLong answered = new AtomicLong(10);
        AtomicLong limited = new AtomicLong(2);
        AtomicLong hits = new AtomicLong(4);
        AtomicLong misses = new AtomicLong(6);
        AtomicInteger halted = new AtomicInteger(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new WorkerMeters(new WorkerMeters.Figures(inFlight::get, answered::get, limited::get, hits::get, misses::get,
                halted::get)).bindTo(registry);

        inFlight.set(7);
        limited.incrementAndGet();

        assertThat(registry.get("conveyor.worker.tasks.in.flight").gauge().value()).isEqualTo(7.0);
        assertThat(registry.get("conveyor.worker.provider.calls").tag("outcome", "answered").functionCounter().count())
                .isEqualTo(10.0);
        assertThat(registry.get("conveyor.worker.provider.calls").tag("outcome", "rate_limited").functionCounter().count())
                .isEqualTo(3.0);
        assertThat(registry.get("conveyor.worker.cache").tag("result", "hit").functionCounter().count()).isEqualTo(4.0);
        assertThat(registry.get("conveyor.worker.cache").tag("result", "miss").functionCounter().count()).isEqualTo(6.0);
        assertThat(registry.get("conveyor.worker.halted.runs").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void shouldAddUpResultsTokensCostAndDurationsByModel() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        WorkerMeters.finished(registry, result("gpt-4o-mini", TaskOutcome.COMPLETED, 100, 20, 0.0003, false, 800));
        WorkerMeters.finished(registry, result("gpt-4o-mini", TaskOutcome.COMPLETED, 50, 10, 0.0001, true, 5));
        WorkerMeters.finished(registry, result("gpt-4o", TaskOutcome.FAILED, 0, 0, 0.0, false, 60_000));

        assertThat(registry.get("conveyor.worker.results").tags("outcome", "completed", "cached", "false").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("conveyor.worker.results").tags("outcome", "completed", "cached", "true").counter().count())
                .isEqualTo(1.0);
        assertThat(registry.get("conveyor.worker.results").tags("outcome", "failed").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("conveyor.worker.tokens").tags("model", "gpt-4o-mini", "type", "prompt").counter().count())
                .isEqualTo(150.0);
        assertThat(registry.get("conveyor.worker.tokens").tags("model", "gpt-4o-mini", "type", "completion").counter()
                .count()).isEqualTo(30.0);
        assertThat(registry.get("conveyor.worker.cost.usd").tags("model", "gpt-4o-mini").counter().count())
                .isCloseTo(0.0004, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(registry.get("conveyor.worker.task.duration").tags("outcome", "failed").timer()
                .max(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(60.0);
    }

    private static TaskFinished result(String model, TaskOutcome outcome, int prompt, int completion, double cost,
            boolean cached, long latencyMs) {
        return TaskFinished.newBuilder().setTaskId("t").setRunId("r").setWorkflowId("w").setReferenceId("ref")
                .setSourceConnection("S3").setProcessName("sentiment").setStageIndex(0).setOutcome(outcome)
                .setModel(model).setIssuedAt(java.time.Instant.EPOCH).setFinishedAt(java.time.Instant.ofEpochMilli(latencyMs)).setLatencyMs(latencyMs)
                .setPromptTokens(prompt).setCompletionTokens(completion).setCostUsd(cost).setCached(cached).build();
    }
}
