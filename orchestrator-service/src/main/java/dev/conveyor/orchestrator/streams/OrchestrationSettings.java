package dev.conveyor.orchestrator.streams;

import java.time.Duration;

/**
 * What bounds the topology's work: how long a run waits for promised rows, how many tasks a
 * partition issues per tick (so per transaction), how many may be out at once, when a task
 * without a result is re-issued or Failed, how long a finished run's state is kept, and over how
 * many partitions a run's rows are spread.
 */
public record OrchestrationSettings(Duration rowWaitTimeout, int chunkSize, Duration tick, long maxInFlight,
        Duration taskDeadline, Duration retention, int partitions) {

    public OrchestrationSettings {
        if (chunkSize < 1 || maxInFlight < 1 || partitions < 1) {
            throw new IllegalArgumentException("chunk size, in-flight limit and partitions must be positive");
        }
    }

    /** Defaults of the configuration, with the given partition count. */
    public static OrchestrationSettings defaults(int partitions) {
        return new OrchestrationSettings(Duration.ofMinutes(2), 2000, Duration.ofMillis(100), 2_000,
                Duration.ofMinutes(10), Duration.ofHours(24), partitions);
    }

    public OrchestrationSettings withRowWaitTimeout(Duration value) {
        return new OrchestrationSettings(value, chunkSize, tick, maxInFlight, taskDeadline, retention, partitions);
    }

    public OrchestrationSettings withChunkSize(int value) {
        return new OrchestrationSettings(rowWaitTimeout, value, tick, maxInFlight, taskDeadline, retention, partitions);
    }

    public OrchestrationSettings withMaxInFlight(long value) {
        return new OrchestrationSettings(rowWaitTimeout, chunkSize, tick, value, taskDeadline, retention, partitions);
    }

    public OrchestrationSettings withTaskDeadline(Duration value) {
        return new OrchestrationSettings(rowWaitTimeout, chunkSize, tick, maxInFlight, value, retention, partitions);
    }

    public OrchestrationSettings withRetention(Duration value) {
        return new OrchestrationSettings(rowWaitTimeout, chunkSize, tick, maxInFlight, taskDeadline, value, partitions);
    }
}
