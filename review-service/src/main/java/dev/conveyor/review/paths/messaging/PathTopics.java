package dev.conveyor.review.paths.messaging;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

/**
 * Creates conveyor.path-events with unlimited retention before anything writes to it: it is the
 * record of truth the Path tables are rebuilt from, so the broker's default 7-day retention
 * would lose Paths.
 */
@ApplicationScoped
public class PathTopics {

    private final KafkaSettings kafka;

    public PathTopics(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(10) StartupEvent event) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            NewTopic topic = new NewTopic(Topics.PATH_EVENTS.name(), Topics.PATH_EVENTS.partitions(),
                    (short) kafka.replicationFactor())
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
            admin.createTopics(List.of(topic)).all().get(kafka.startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + Topics.PATH_EVENTS.name(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + Topics.PATH_EVENTS.name(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not create " + Topics.PATH_EVENTS.name() + " in time", e);
        }
        // the tasks and results topics the AI steps use; ensure() also checks sizes
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.<TopicSpec<?, ?>>of(Topics.PATH_EVENTS, Topics.LLM_TASKS, Topics.LLM_RESULTS));
    }
}
