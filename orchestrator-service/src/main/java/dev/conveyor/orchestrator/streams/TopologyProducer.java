package dev.conveyor.orchestrator.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;

import dev.conveyor.orchestrator.config.OrchestratorConfig;

@ApplicationScoped
public class TopologyProducer {

    private final OrchestratorConfig config;

    public TopologyProducer(OrchestratorConfig config) {
        this.config = config;
    }

    @Produces
    public Topology topology() {
        return OrchestratorTopology.build(new StreamsBuilder(), config.rowWaitTimeout(), true);
    }
}
