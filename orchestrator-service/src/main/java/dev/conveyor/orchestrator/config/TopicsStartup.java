package dev.conveyor.orchestrator.config;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.schemas.kafka.Topics;

/** Creates or verifies the topics before the topology starts; stops the service when the broker is unreachable. */
@ApplicationScoped
public class TopicsStartup {

    private final KafkaSettings kafka;

    public TopicsStartup(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.of(Topics.SOURCE_ROWS, Topics.WORKFLOW_DEFINITIONS, Topics.RUN_COMMANDS, Topics.LLM_TASKS,
                        Topics.LLM_RESULTS, Topics.RUN_CONTROLS, Topics.DEAD_LETTER, Topics.RUN_LIFECYCLE,
                        Topics.RUN_DIRECTIVES, Topics.RUN_REPORTS, Topics.SOURCE_ROW_COUNTS, Topics.RUN_COMPLETED));
    }
}
