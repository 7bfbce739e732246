package dev.conveyor.worker.metrics;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.quarkus.runtime.StartupEvent;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.worker.messaging.TaskConsumer;
import dev.conveyor.worker.service.HaltedRuns;
import dev.conveyor.worker.service.ProviderGates;
import dev.conveyor.worker.service.ResponseCache;

/**
 * The worker's figures (those of GET /worker/stats) as Micrometer meters, served on /q/metrics for
 * Prometheus: tasks in flight, provider answers and 429s, cache hits and misses, halted runs; and,
 * per finished task, results by outcome, tokens, cost and latency by model. The figures are bound
 * to the application's registry at start; Quarkus also adds its registries to Micrometer's global
 * one, which {@link #finished(TaskFinished)} records into.
 */
@Singleton
public class WorkerMeters implements MeterBinder {

    /** Where each figure comes from; a record so the binding is testable without the beans. */
    public record Figures(IntSupplier inFlight, LongSupplier providerAnswers, LongSupplier providerRateLimited,
            LongSupplier cacheHits, LongSupplier cacheMisses, IntSupplier haltedRuns) {
    }

    private final Figures figures;

    @Inject // the bean constructor; the other one is for tests
    public WorkerMeters(TaskConsumer consumer, ResponseCache cache, HaltedRuns halted) {
        this(new Figures(consumer::inFlight, ProviderGates::answers, ProviderGates::rateLimited, cache::hits,
                cache::misses, halted::count));
    }

    WorkerMeters(Figures figures) {
        this.figures = figures;
    }

    void onStart(@Observes StartupEvent start, MeterRegistry registry) {
        bindTo(registry);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Figures f = figures;
        // Micrometer holds a gauge's or function counter's state weakly: every meter here reads the
        // one Figures object, and the first gauge holds it strongly, so none of them can lose it to
        // a garbage collection (they did, after a test restarted the application in the same JVM).
        Gauge.builder("conveyor.worker.tasks.in.flight", f, s -> s.inFlight().getAsInt()).strongReference(true)
                .description("Tasks taken from conveyor.llm-tasks and not yet answered").register(registry);
        FunctionCounter.builder("conveyor.worker.provider.calls", f, s -> s.providerAnswers().getAsLong())
                .description("Answers received from the model provider").tag("outcome", "answered").register(registry);
        FunctionCounter.builder("conveyor.worker.provider.calls", f, s -> s.providerRateLimited().getAsLong())
                .description("Answers received from the model provider").tag("outcome", "rate_limited").register(registry);
        FunctionCounter.builder("conveyor.worker.cache", f, s -> s.cacheHits().getAsLong())
                .description("Response cache lookups").tag("result", "hit").register(registry);
        FunctionCounter.builder("conveyor.worker.cache", f, s -> s.cacheMisses().getAsLong())
                .description("Response cache lookups").tag("result", "miss").register(registry);
        Gauge.builder("conveyor.worker.halted.runs", f, s -> s.haltedRuns().getAsInt()).strongReference(true)
                .description("Runs halted by their budget, known to this worker").register(registry);
    }

    /** Records one finished task (Completed, Failed or Skipped): what the worker did and spent. */
    public static void finished(TaskFinished result) {
        finished(Metrics.globalRegistry, result);
    }

    static void finished(MeterRegistry registry, TaskFinished result) {
        String model = result.getModel() == null ? "none" : result.getModel();
        String outcome = result.getOutcome().name().toLowerCase(java.util.Locale.ROOT);
        registry.counter("conveyor.worker.results", "outcome", outcome, "cached", Boolean.toString(result.getCached()))
                .increment();
        registry.counter("conveyor.worker.tokens", "model", model, "type", "prompt").increment(result.getPromptTokens());
        registry.counter("conveyor.worker.tokens", "model", model, "type", "completion")
                .increment(result.getCompletionTokens());
        registry.counter("conveyor.worker.cost.usd", "model", model).increment(result.getCostUsd());
        Timer.builder("conveyor.worker.task.duration").description("From taking a task to its result")
                .tag("outcome", outcome).register(registry).record(Duration.ofMillis(result.getLatencyMs()));
    }
}
