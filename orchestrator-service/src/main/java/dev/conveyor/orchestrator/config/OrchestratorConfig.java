package dev.conveyor.orchestrator.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "conveyor.orchestrator")
public interface OrchestratorConfig {

    /** How long a run waits for the rows its command promises before it starts with what arrived. */
    @WithDefault("2m")
    Duration rowWaitTimeout();

    /** How long creating a workflow waits for it to show in this instance's workflow store. */
    @WithDefault("10s")
    Duration workflowVisibleTimeout();
}
