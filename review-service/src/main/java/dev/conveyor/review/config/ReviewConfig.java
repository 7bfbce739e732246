package dev.conveyor.review.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The consumer that materializes results. */
@ConfigMapping(prefix = "conveyor.review")
public interface ReviewConfig {

    Consumer consumer();

    interface Consumer {

        /** One group for both topics: every instance shares the work, each record is applied once. */
        @WithDefault("conveyor-review")
        String groupId();

        /** Records per poll, and so per database transaction. */
        @WithDefault("500")
        int maxPollRecords();

        /** Pause before a batch that failed (database down) is tried again. */
        @WithDefault("1s")
        Duration retryBackoff();
    }
}
