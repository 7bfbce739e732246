package dev.conveyor.worker;

import java.time.Duration;

import dev.conveyor.worker.config.WorkerConfig;

/** Worker configuration for unit tests. */
public final class TestConfig {

    private TestConfig() {
    }

    public static WorkerConfig worker(boolean useTaskModel, int concurrency) {
        return new WorkerConfig() {
            @Override
            public String groupId() {
                return "test-group";
            }

            @Override
            public int concurrency() {
                return concurrency;
            }

            @Override
            public int maxPollRecords() {
                return 64;
            }

            @Override
            public boolean useTaskModel() {
                return useTaskModel;
            }

            @Override
            public Duration publishTimeout() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration retryBackoff() {
                return Duration.ofSeconds(1);
            }
        };
    }
}
