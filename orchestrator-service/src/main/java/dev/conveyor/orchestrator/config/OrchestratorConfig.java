package dev.conveyor.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "conveyor.orchestrator")
public interface OrchestratorConfig {

    /** How long a run waits for the rows its command promises before it starts with what arrived. */
    @WithDefault("2m")
    Duration rowWaitTimeout();

    /** How long creating a workflow waits for it to show in this instance's workflow store. */
    @WithDefault("10s")
    Duration workflowVisibleTimeout();

    /** Tasks a partition issues per tick at most (over all its runs): the bound on a transaction's records. */
    @WithDefault("2000")
    int chunkSize();

    /** How often a partition issues a chunk, re-issues overdue tasks and reports its counts. */
    @WithDefault("100ms")
    Duration tick();

    /**
     * Tasks of one run a partition keeps out at once; results make room for the next ones. Small
     * enough that a queued task reaches a worker well within its deadline, and that the results
     * a stage's barrier waits for are few (docs/decisions/11-in-flight-window.md).
     */
    @WithDefault("2000")
    long maxInFlight();

    /** A task without a result this long after it was issued is issued once more, then Failed. */
    @WithDefault("10m")
    Duration taskDeadline();

    /** How long a finished run's state (progress, counts, members) is kept before it is deleted. */
    @WithDefault("24h")
    Duration runRetention();

    /**
     * Keep every column of a row. By default the orchestrator keeps only the columns the source's
     * workflows read (every column while a source has no workflow).
     */
    @WithDefault("false")
    boolean keepAllColumns();
}
