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

        /** First pause before a batch that failed is tried again; it doubles up to {@link #maxBackoff()}. */
        @WithDefault("1s")
        Duration retryBackoff();

        @WithDefault("30s")
        Duration maxBackoff();

        /**
         * Tries of a batch the database refuses for its content (not for being away): then it is
         * split to find the records at fault, which are dead-lettered with the reason.
         */
        @WithDefault("3")
        int maxAttempts();
    }
}
