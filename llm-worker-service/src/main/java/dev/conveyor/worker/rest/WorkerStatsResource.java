package dev.conveyor.worker.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.conveyor.worker.messaging.TaskConsumer;
import dev.conveyor.worker.service.HaltedRuns;
import dev.conveyor.worker.service.ProviderGates;
import dev.conveyor.worker.service.ResponseCache;

/** What this worker instance is doing, for operators: tasks in flight, cache use, provider 429s. */
@Path("/worker/stats")
@Produces(MediaType.APPLICATION_JSON)
public class WorkerStatsResource {

    /** The figures, in snake_case JSON. */
    public record WorkerStats(int inFlight, long cacheHits, long cacheMisses, long providerAnswers,
            long providerRateLimited, int haltedRuns) {
    }

    private final TaskConsumer consumer;
    private final ResponseCache cache;
    private final HaltedRuns halted;

    public WorkerStatsResource(TaskConsumer consumer, ResponseCache cache, HaltedRuns halted) {
        this.consumer = consumer;
        this.cache = cache;
        this.halted = halted;
    }

    @GET
    public WorkerStats stats() {
        return new WorkerStats(consumer.inFlight(), cache.hits(), cache.misses(), ProviderGates.answers(),
                ProviderGates.rateLimited(), halted.count());
    }
}
