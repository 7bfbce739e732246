package dev.conveyor.worker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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
}
