package dev.conveyor.ingest.messaging;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.runtime.StartupEvent;

/** Creates or checks ingest's topics before the Kafka channels and the outbox relay start. */
@ApplicationScoped
public class TopicSetup {

    private final KafkaSettings kafka;

    public TopicSetup(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.of(Topics.SOURCE_ROWS, Topics.SOURCE_ROWS_JSON, Topics.DEAD_LETTER));
    }
}
