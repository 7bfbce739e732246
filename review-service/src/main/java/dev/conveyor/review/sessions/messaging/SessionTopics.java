package dev.conveyor.review.sessions.messaging;

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
 * The sessions' topic, made before anything writes to it (a bean of its own: it runs before the
 * channels exist). Its spec keeps every event ({@link TopicSpec#KEEP_FOREVER}): it is what the view
 * is rebuilt from, so the broker's default 7-day retention would lose sessions. On Kubernetes the
 * KafkaTopic carries the same settings (checked by deploy/k8s-checks).
 */
@ApplicationScoped
public class SessionTopics {

    private final KafkaSettings kafka;

    public SessionTopics(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.<TopicSpec<?, ?>>of(Topics.REVIEW_SESSION_EVENTS));
    }
}
