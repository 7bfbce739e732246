package dev.conveyor.worker.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.conveyor.worker.messaging.TaskConsumer;

/** Ready once the topics are prepared and the task consumer runs. */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements HealthCheck {

    private final TaskConsumer consumer;

    public ConsumerReadiness(TaskConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("llm-tasks consumer").status(consumer.isRunning()).build();
    }
}
