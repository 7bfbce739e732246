package dev.conveyor.worker.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.worker.config.WorkerConfig;
import dev.conveyor.worker.service.HaltedRuns;
import dev.conveyor.worker.service.TaskProcessor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Prepares the topics at start, then consumes tasks and run controls until shutdown. */
@ApplicationScoped
public class TaskConsumer {

    public static final String SERVICE = "llm-worker-service";

    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumer.class);

    private final KafkaSettings kafka;
    private final WorkerConfig worker;
    private final TaskProcessor processor;
    private final HaltedRuns halted;

    private RunControlsListener controls;
    private TaskPipeline pipeline;

    public TaskConsumer(KafkaSettings kafka, WorkerConfig worker, TaskProcessor processor, HaltedRuns halted) {
        this.kafka = kafka;
        this.worker = worker;
        this.processor = processor;
        this.halted = halted;
    }

    void onStart(@Observes StartupEvent event) {
        String bootstrapServers = kafka.bootstrapServers();
        if (worker.concurrency() < 1 || worker.maxPollRecords() < 1) {
            throw new IllegalStateException("conveyor.worker.concurrency and conveyor.worker.max-poll-records must be"
                    + " at least 1, got " + worker.concurrency() + " and " + worker.maxPollRecords());
        }
        TopicAdmin.ensure(bootstrapServers, kafka.replicationFactor(), kafka.startupTimeout(),
                List.of(Topics.LLM_TASKS, Topics.LLM_RESULTS, Topics.RUN_CONTROLS, Topics.DEAD_LETTER));
        controls = new RunControlsListener(bootstrapServers, halted).start();
        pipeline = new TaskPipeline(SERVICE, bootstrapServers, worker.groupId(), worker.maxPollRecords(),
                worker.concurrency(), worker.commitInterval(), worker.publishTimeout(), processor).start();
        LOG.info("consuming {} as group {}: up to {} tasks in flight on {} threads", Topics.LLM_TASKS.name(),
                worker.groupId(), worker.concurrency(), CallThreads.virtual() ? "virtual" : "platform");
    }

    void onStop(@Observes ShutdownEvent event) {
        if (pipeline != null) {
            pipeline.close();
        }
        if (controls != null) {
            controls.close();
        }
    }

    /** Tasks taken and not yet written back. */
    public int inFlight() {
        return pipeline == null ? 0 : pipeline.inFlight();
    }

    /** True while the consumer polls: from start until shutdown or an unexpected stop. */
    public boolean isRunning() {
        return pipeline != null && pipeline.isRunning();
    }
}
