package dev.conveyor.worker.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the worker consumes tasks and calls the model. */
@ConfigMapping(prefix = "conveyor.worker")
public interface WorkerConfig {

    /** Consumer group of the workers; every instance shares it so that each task goes to one of them. */
    @WithDefault("conveyor-llm-worker")
    String groupId();

    /** Model calls in flight at once per instance (at least 1). */
    @WithDefault("16")
    int concurrency();

    /** Tasks per poll (at least 1), so per batch; a batch is committed only when all of its results are written. */
    @WithDefault("64")
    int maxPollRecords();

    /** When true, each request names the task's model; when false, the configured model answers every task. */
    @WithDefault("true")
    boolean useTaskModel();

    /** How long to wait for the broker to acknowledge the results of a batch before retrying the batch. */
    @WithDefault("30s")
    Duration publishTimeout();

    /** Pause before a batch that could not be handled (results not written) is polled again. */
    @WithDefault("1s")
    Duration retryBackoff();
}
