package dev.conveyor.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.conveyor.ingest.messaging.KafkaLifecycle;
import dev.conveyor.ingest.messaging.RowPublisher;

/**
 * Ready once the transactional producer has registered with the broker and the source-rows
 * consumer is polling. The datasource has its own readiness check.
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    private final RowPublisher publisher;
    private final KafkaLifecycle lifecycle;

    public KafkaReadiness(RowPublisher publisher, KafkaLifecycle lifecycle) {
        this.publisher = publisher;
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        boolean publishing = publisher.isStarted();
        boolean consuming = lifecycle.isConsuming();
        return HealthCheckResponse.named("kafka")
                .status(publishing && consuming)
                .withData("row-publisher", publishing)
                .withData("source-rows-consumer", consuming)
                .build();
    }
}
