package dev.conveyor.worker.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.common.messaging.DeadLetterFailureHandler;
import dev.conveyor.common.messaging.DeadLetterPublisher;
import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;

/** The worker's {@code conveyor-dead-letter} failure strategy, writing through its {@code dead-letter} channel. */
@ApplicationScoped
@Unremovable // looked up by the connector by name, never injected
@Identifier(DeadLetterFailureHandler.STRATEGY)
public class DeadLetterStrategy extends DeadLetterFailureHandler.Factory {

    private final DeadLetterPublisher publisher;

    public DeadLetterStrategy(DeadLetterChannel channel) {
        this.publisher = new DeadLetterPublisher(TaskConsumer.SERVICE, channel::emitter);
    }

    @Override
    protected DeadLetterPublisher publisher() {
        return publisher;
    }
}
