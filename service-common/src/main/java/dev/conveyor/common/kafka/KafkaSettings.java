package dev.conveyor.common.kafka;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The broker, and how a service prepares its topics at start (every service's {@code conveyor.kafka.*}). */
@ConfigMapping(prefix = "conveyor.kafka")
public interface KafkaSettings {

    /** Set from {@code kafka.bootstrap.servers} (env {@code KAFKA_BOOTSTRAP_SERVERS}) in application.properties. */
    String bootstrapServers();

    /** Replication factor of the topics a service creates when they are missing. */
    @WithDefault("1")
    short replicationFactor();

    /** How long to wait for the broker at start before failing with a message naming it. */
    @WithDefault("15s")
    Duration startupTimeout();
}
