package dev.conveyor.worker.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the service prepares its topics at start. */
@ConfigMapping(prefix = "conveyor.kafka")
public interface KafkaConfig {

    @WithDefault("1")
    short replicationFactor();

    /** How long to wait for the broker at start before giving up with a message naming it. */
    @WithDefault("15s")
    Duration startupTimeout();
}
