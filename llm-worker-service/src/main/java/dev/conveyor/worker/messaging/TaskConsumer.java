package dev.conveyor.worker.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.common.messaging.DeadLetterPublisher;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.worker.metrics.WorkerMeters;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.worker.config.WorkerConfig;
import dev.conveyor.worker.service.TaskProcessor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/**
 * Takes tasks from the {@code llm-tasks} channel, many at once: each runs on a thread of the
 * {@code llm-calls} pool (as large as {@code conveyor.worker.concurrency}), unordered, so a slow
 * call holds back neither the tasks behind it nor their results. A task is acknowledged once its
 * result is on the broker; the connector's throttled commit strategy commits each partition
 * below its oldest unacknowledged task. A record that is not a task is nacked and the
 * {@code conveyor-dead-letter} strategy writes it to the dead-letter topic with the reason.
 *
 * <p>On shutdown the worker stops taking tasks (they stay uncommitted and are redelivered), lets
 * the calls in flight finish and publish within {@code conveyor.worker.shutdown-grace}, then
 * interrupts what is left: an interrupted task gets no result and is redelivered too.
 */
@ApplicationScoped
public class TaskConsumer {

    public static final String SERVICE = "llm-worker-service";
    public static final String CHANNEL = "llm-tasks";

    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumer.class);

    private final KafkaSettings kafka;
    private final WorkerConfig worker;
    private final TaskProcessor processor;
    private final ResultPublisher results;
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    public TaskConsumer(KafkaSettings kafka, WorkerConfig worker, TaskProcessor processor, ResultPublisher results) {
        this.kafka = kafka;
        this.worker = worker;
        this.processor = processor;
        this.results = results;
    }

    /** Before the channels start (messaging starts at priority 1000): the topics must exist. */
    void prepareTopics(@Observes @Priority(100) StartupEvent event) {
        if (worker.concurrency() < 1 || worker.maxPollRecords() < 1) {
            throw new IllegalStateException("conveyor.worker.concurrency and conveyor.worker.max-poll-records must be"
                    + " at least 1, got " + worker.concurrency() + " and " + worker.maxPollRecords());
        }
        if (!worker.prepareTopics()) {
            return; // channels on the in-memory connector (tests without a broker)
        }
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(),
                List.of(Topics.LLM_TASKS, Topics.LLM_RESULTS, Topics.RUN_CONTROLS, Topics.DEAD_LETTER));
        LOG.info("consuming {} as group {}: up to {} tasks in flight", Topics.LLM_TASKS.name(), worker.groupId(),
                worker.concurrency());
    }

    /*
     * Channel signatures name no Avro type (Object, cast inside): Quarkus loads them while it
     * builds, in a class loader that, with Avro made reloadable for tests, cannot see Avro.
     */
    @Incoming(CHANNEL)
    @Blocking(value = "llm-calls", ordered = false)
    public CompletionStage<Void> consume(Message<Object> record) {
        if (stopping) {
            return record.nack(new CancellationException("the worker is stopping"));
        }
        String invalid = invalidReason(record);
        if (invalid != null) {
            return record.nack(new IllegalArgumentException(invalid));
        }
        Thread self = Thread.currentThread();
        running.add(self);
        // The task's trace (from its traceparent header) is current while it runs: the model call
        // and the result record join it.
        try (Scope trace = TracingMetadata.fromMessage(record).map(TracingMetadata::getCurrentContext)
                .filter(java.util.Objects::nonNull)
                .orElse(Context.current()).makeCurrent()) {
            TaskFinished result = processor.process((TaskIssued) record.getPayload());
            WorkerMeters.finished(result);
            results.publish(result);
            return record.ack();
        } catch (CancellationException e) {
            return record.nack(e);
        } catch (RuntimeException e) {
            if (stopping && self.isInterrupted()) {
                return record.nack(new CancellationException("the worker is stopping"));
            }
            LOG.error("task {} could not be processed", ((TaskIssued) record.getPayload()).getTaskId(), e);
            return record.nack(e);
        } finally {
            running.remove(self);
            Thread.interrupted(); // a pool thread goes back clean
        }
    }

    static String invalidReason(Message<Object> record) {
        String unreadable = DeadLetterPublisher.unreadableReason(record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getHeaders).orElse(null));
        if (unreadable != null) {
            return "undecodable record: " + unreadable;
        }
        if (record.getPayload() == null) {
            return "empty value (tombstone) on a topic that does not take tombstones";
        }
        if (!(record.getPayload() instanceof TaskIssued task)) {
            return "not a TaskIssued: " + record.getPayload().getClass().getSimpleName();
        }
        if (task.getTaskId() == null || task.getTaskId().isBlank()) {
            return "task has no task_id, so its result could not be keyed";
        }
        return null;
    }

    /**
     * Runs before the connector closes (it closes when the application scope is destroyed, after
     * this event): stop taking tasks, give the calls in flight the grace period, then interrupt.
     */
    void drain(@Observes ShutdownEvent event) {
        stopping = true;
        Duration grace = worker.shutdownGrace();
        long deadline = System.nanoTime() + grace.toNanos();
        LOG.info("stopping: {} tasks in flight get up to {} s to finish", running.size(), grace.toSeconds());
        synchronized (running) {
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                try {
                    running.wait(50); // woken by nothing: a bounded poll of the in-flight set
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (!running.isEmpty()) {
            LOG.warn("{} tasks did not finish within {} s; they are left for redelivery", running.size(),
                    grace.toSeconds());
            processor.stop();
            running.forEach(Thread::interrupt);
        }
    }

    /** Tasks taken and not yet written back. */
    public int inFlight() {
        return running.size();
    }
}
