package dev.conveyor.review.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.avro.specific.SpecificRecordBase;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import dev.conveyor.common.kafka.ConsumerLoop;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.review.config.ReviewConfig;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs the one consumer of the service: tasks and results on the same thread, so that a task
 * and its outcome are never applied by two transactions racing each other on this instance.
 */
@ApplicationScoped
@Readiness
public class ResultConsumer implements HealthCheck {

    static final String SERVICE = "review-service";

    private static final Logger LOG = Logger.getLogger(ResultConsumer.class);

    private final KafkaSettings kafka;
    private final ReviewConfig config;
    private final ResultEventHandler handler;
    private volatile ConsumerLoop<SpecificRecordBase> loop;

    public ResultConsumer(KafkaSettings kafka, ReviewConfig config, ResultEventHandler handler) {
        this.kafka = kafka;
        this.config = config;
        this.handler = handler;
    }

    void onStart(@Observes StartupEvent event) {
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.<TopicSpec<?, ?>>of(Topics.LLM_TASKS, Topics.LLM_RESULTS, Topics.DEAD_LETTER));
        loop = ConsumerLoop.builder(SERVICE, SpecificRecordBase.class)
                .bootstrapServers(kafka.bootstrapServers())
                .groupId(config.consumer().groupId())
                .topic(Topics.LLM_TASKS)
                .topic(Topics.LLM_RESULTS)
                .maxPollRecords(config.consumer().maxPollRecords())
                .retryBackoff(config.consumer().retryBackoff())
                .handler(handler)
                .build()
                .start();
        LOG.infof("Consuming %s and %s as group %s", Topics.LLM_TASKS.name(), Topics.LLM_RESULTS.name(),
                config.consumer().groupId());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.close();
            loop = null;
        }
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("results-consumer").status(loop != null && loop.isRunning()).build();
    }
}
