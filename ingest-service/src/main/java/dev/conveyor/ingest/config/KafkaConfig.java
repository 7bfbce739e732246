package dev.conveyor.ingest.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The broker and how topics are prepared at start. */
@ConfigMapping(prefix = "conveyor.kafka")
public interface KafkaConfig {

    /** Set from {@code kafka.bootstrap.servers} (env {@code KAFKA_BOOTSTRAP_SERVERS}) in application.properties. */
    String bootstrapServers();

    @WithDefault("1")
    short replicationFactor();

    /** How long to wait for the broker at start before failing. */
    @WithDefault("15s")
    Duration startupTimeout();
}
