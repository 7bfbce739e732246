package dev.conveyor.orchestrator.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

import dev.conveyor.orchestrator.config.OrchestratorConfig;
import dev.conveyor.schemas.kafka.Topics;
import io.opentelemetry.api.OpenTelemetry;

@ApplicationScoped
public class TopologyProducer {

    private final OrchestratorConfig config;
    private final OpenTelemetry openTelemetry;

    public TopologyProducer(OrchestratorConfig config, OpenTelemetry openTelemetry) {
        this.config = config;
        this.openTelemetry = openTelemetry;
    }

    @Produces
    public Topology topology() {
        return OrchestratorTopology.build(new StreamsBuilder(), settings(config), true, config.keepAllColumns(),
                TaskTraces.tracing(openTelemetry));
    }

    public static OrchestrationSettings settings(OrchestratorConfig config) {
        return new OrchestrationSettings(config.rowWaitTimeout(), config.chunkSize(), config.tick(),
                config.maxInFlight(), config.taskDeadline(), config.runRetention(), Topics.STREAM_PARTITIONS);
    }
}
