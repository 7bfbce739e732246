package dev.conveyor.review.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The consumer that materializes results, and the relay of the Path and session outboxes. */
@ConfigMapping(prefix = "conveyor.review")
public interface ReviewConfig {

    Consumer consumer();

    Outbox outbox();

    /** The relay that puts committed Path and session events on their topics (OutboxRelay). */
    interface Outbox {

        /** Events per send and per marking transaction. */
        @WithDefault("1000")
        int batchSize();

        /**
         * How often the relay looks without being woken: a commit wakes it at once, this only picks up
         * what another instance or a crash left behind.
         */
        @WithDefault("1s")
        Duration pollInterval();

        /**
         * After a round that sent events, how long the relay lets the next ones gather before it
         * looks again: bounds the sends and outbox transactions per second under a stream of
         * writes. The topic trails the tables by up to this much more.
         */
        @WithDefault("5ms")
        Duration linger();

        /** Pause after a failed send (broker away) before the batch is tried again. */
        @WithDefault("1s")
        Duration retryBackoff();

        /** How long a rebuild waits for the outbox to be on the topic before it gives up. */
        @WithDefault("60s")
        Duration drainTimeout();
    }

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
