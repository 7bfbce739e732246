package dev.conveyor.worker.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

import dev.conveyor.common.messaging.DeadLetterPublisher;

/**
 * Holds the {@code dead-letter} channel's emitter. Application scoped, so it is created (and the
 * emitter resolved) at first use, once the channels are wired.
 */
@ApplicationScoped
public class DeadLetterChannel {

    private final Emitter<Object> emitter;

    public DeadLetterChannel(@Channel(DeadLetterPublisher.CHANNEL) Emitter<Object> emitter) {
        this.emitter = emitter;
    }

    public Emitter<Object> emitter() {
        return emitter;
    }
}
