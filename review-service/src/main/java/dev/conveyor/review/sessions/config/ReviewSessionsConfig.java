package dev.conveyor.review.sessions.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "conveyor.review-sessions")
public interface ReviewSessionsConfig {

    /** How long a request waits for the broker's acknowledgement before leaving the event to the relay. */
    @WithDefault("10s")
    Duration publishTimeout();

    /** How often the relay publishes events a failed or interrupted request left unpublished. */
    @WithDefault("5s")
    Duration relayInterval();
}
