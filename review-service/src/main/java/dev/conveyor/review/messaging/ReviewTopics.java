package dev.conveyor.review.messaging;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.runtime.StartupEvent;

/**
 * Makes sure the aggregates' event topics exist before the outbox relay writes to them, with the
 * AI steps' tasks and results topics. The event topics keep every event
 * ({@link TopicSpec#KEEP_FOREVER}): they are what the Path and session views are rebuilt from, so
 * the broker's default 7-day retention would lose Paths and sessions. On Kubernetes the KafkaTopics
 * carry the same settings (checked by deploy/k8s-checks), so the service needs no right to alter topics.
 */
@ApplicationScoped
public class ReviewTopics {

    private final KafkaSettings kafka;

    public ReviewTopics(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.<TopicSpec<?, ?>>of(Topics.PATH_EVENTS, Topics.REVIEW_SESSION_EVENTS, Topics.LLM_TASKS,
                        Topics.LLM_RESULTS));
    }
}
