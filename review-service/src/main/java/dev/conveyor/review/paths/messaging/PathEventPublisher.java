package dev.conveyor.review.paths.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.conveyor.schemas.PathEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Writes a Path's events to conveyor.path-events, keyed by aggregate id so that one Path's
 * events stay in order on one partition. Returns once the broker has the event: the view is
 * only written after the record of truth.
 */
@ApplicationScoped
public class PathEventPublisher {

    private final MutinyEmitter<PathEvent> events;

    public PathEventPublisher(@Channel("path-events") MutinyEmitter<PathEvent> events) {
        this.events = events;
    }

    public void publish(PathEvent event) {
        events.sendMessageAndAwait(KafkaRecord.of(event.getAggregateId(), event));
    }
}
