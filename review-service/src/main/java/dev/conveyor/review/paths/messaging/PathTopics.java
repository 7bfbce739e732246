package dev.conveyor.review.paths.messaging;

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
 * Makes sure conveyor.path-events exists before anything writes to it. Its spec keeps every event
 * ({@link TopicSpec#KEEP_FOREVER}): it is the record of truth the Path tables are rebuilt from, so
 * the broker's default 7-day retention would lose Paths. On Kubernetes the KafkaTopic carries the
 * same settings (checked by deploy/k8s-checks), so the service needs no right to alter topics.
 */
@ApplicationScoped
public class PathTopics {

    private final KafkaSettings kafka;

    public PathTopics(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        // the tasks and results topics the AI steps use too; ensure() also checks sizes
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.<TopicSpec<?, ?>>of(Topics.PATH_EVENTS, Topics.LLM_TASKS, Topics.LLM_RESULTS));
    }
}
