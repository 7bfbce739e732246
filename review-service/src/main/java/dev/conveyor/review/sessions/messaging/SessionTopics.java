package dev.conveyor.review.sessions.messaging;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.runtime.StartupEvent;

/** The sessions' topic, made before anything writes to it (a bean of its own: it runs before the channels exist). */
@ApplicationScoped
public class SessionTopics {

    private final KafkaSettings kafka;

    public SessionTopics(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /**
     * Creates the topic with unlimited retention before anything writes to it: it is what the view
     * is rebuilt from, so the broker's default 7-day retention would lose sessions.
     */
    void onStart(@Observes @Priority(10) StartupEvent event) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            NewTopic topic = new NewTopic(Topics.REVIEW_SESSION_EVENTS.name(), Topics.REVIEW_SESSION_EVENTS.partitions(),
                    kafka.replicationFactor())
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
            admin.createTopics(List.of(topic)).all().get(kafka.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + Topics.REVIEW_SESSION_EVENTS.name(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + Topics.REVIEW_SESSION_EVENTS.name(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not create " + Topics.REVIEW_SESSION_EVENTS.name() + " in time", e);
        }
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.<TopicSpec<?, ?>>of(Topics.REVIEW_SESSION_EVENTS));
    }
}
