package dev.conveyor.ingest.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while both consumers poll. A consumer whose batches keep failing (PostgreSQL away) stays
 * up, retrying with back-off: the failures and the last reason are in the check's data.
 */
@Readiness
@ApplicationScoped
public class IngestConsumersHealth implements HealthCheck {

    private final IngestConsumers consumers;

    public IngestConsumersHealth(IngestConsumers consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("ingest-kafka-consumers").up();
        for (BatchConsumerLoop.State state : consumers.states()) {
            if (!state.running()) {
                response.down();
            }
            response.withData(state.name() + ".topic", state.topic())
                    .withData(state.name() + ".running", state.running())
                    .withData(state.name() + ".consecutive-failures", state.consecutiveFailures());
            if (state.lastFailure() != null) {
                response.withData(state.name() + ".last-failure", state.lastFailure());
            }
        }
        return response.build();
    }
}
