package dev.conveyor.orchestrator.metrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.conveyor.orchestrator.streams.OrchestratorTopology;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs not yet ended (waiting for rows, running, paused) that this instance coordinates, counted
 * from its share of the coordinators' store; summed over instances, every run once. Counted at
 * most once a second, however often Prometheus asks.
 */
@Singleton
public class ActiveRunsGauge {

    static final RunStatus[] ACTIVE = { RunStatus.WAITING_FOR_ROWS, RunStatus.RUNNING, RunStatus.PAUSED };
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private final Supplier<Map<RunStatus, Long>> counter;
    private Map<RunStatus, Long> counts = Map.of();
    private long countedAt = Long.MIN_VALUE;

    @Inject // the bean constructor; the other one is for tests
    public ActiveRunsGauge(KafkaStreams streams) {
        this(() -> count(streams));
    }

    ActiveRunsGauge(Supplier<Map<RunStatus, Long>> counter) {
        this.counter = counter;
    }

    void onStart(@Observes StartupEvent start, MeterRegistry registry) {
        bindTo(registry);
    }

    void bindTo(MeterRegistry registry) {
        for (RunStatus status : ACTIVE) {
            Gauge.builder("conveyor.orchestrator.runs.active", () -> current().getOrDefault(status, 0L))
                    .description("Runs not yet ended that this instance coordinates")
                    .tag("status", status.name().toLowerCase(Locale.ROOT)).register(registry);
        }
    }

    private synchronized Map<RunStatus, Long> current() {
        long now = System.nanoTime();
        if (countedAt == Long.MIN_VALUE || now - countedAt > REFRESH_NANOS) {
            Map<RunStatus, Long> fresh = counter.get();
            if (fresh != null) { // null while the store is not queryable: keep the last figures
                counts = fresh;
            }
            countedAt = now;
        }
        return counts;
    }

    private static Map<RunStatus, Long> count(KafkaStreams streams) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return null;
        }
        Map<RunStatus, Long> counts = new EnumMap<>(RunStatus.class);
        try {
            ReadOnlyKeyValueStore<String, RunProgress> runs = streams.store(StoreQueryParameters.fromNameAndType(
                    OrchestratorTopology.RUNS_STORE, QueryableStoreTypes.<String, RunProgress>keyValueStore()));
            try (KeyValueIterator<String, RunProgress> it = runs.all()) {
                while (it.hasNext()) {
                    RunProgress run = it.next().value;
                    if (run != null) {
                        counts.merge(run.getStatus(), 1L, Long::sum);
                    }
                }
            }
        } catch (InvalidStateStoreException e) {
            return null; // rebalancing
        }
        return counts;
    }
}
