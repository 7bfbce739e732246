package dev.conveyor.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

@ConfigMapping(prefix = "conveyor.kafka")
public interface KafkaSettings {

    @WithName("bootstrap-servers")
    String bootstrapServers();

    @WithDefault("1")
    short replicationFactor();

    @WithDefault("15s")
    Duration startupTimeout();
}
