package dev.conveyor.worker.messaging;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.ConsumerLoop;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.worker.config.KafkaConfig;
import dev.conveyor.worker.config.WorkerConfig;
import dev.conveyor.worker.service.TaskProcessor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Prepares the topics at start, then consumes tasks until shutdown. */
@ApplicationScoped
public class TaskConsumer {

    public static final String SERVICE = "llm-worker-service";

    private static final Logger LOG = LoggerFactory.getLogger(TaskConsumer.class);

    private final String bootstrapServers;
    private final KafkaConfig kafka;
    private final WorkerConfig worker;
    private final TaskProcessor processor;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private ExecutorService calls;
    private ResultPublisher publisher;
    private ConsumerLoop<TaskIssued> loop;

    public TaskConsumer(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, KafkaConfig kafka,
            WorkerConfig worker, TaskProcessor processor) {
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
        this.worker = worker;
        this.processor = processor;
    }

    void onStart(@Observes StartupEvent event) {
        if (worker.concurrency() < 1 || worker.maxPollRecords() < 1) {
            throw new IllegalStateException("conveyor.worker.concurrency and conveyor.worker.max-poll-records must be"
                    + " at least 1, got " + worker.concurrency() + " and " + worker.maxPollRecords());
        }
        TopicAdmin.ensure(bootstrapServers, kafka.replicationFactor(), kafka.startupTimeout(),
                List.of(Topics.LLM_TASKS, Topics.LLM_RESULTS, Topics.DEAD_LETTER));
        calls = callPool(worker.concurrency());
        publisher = new KafkaResultPublisher(bootstrapServers, worker.groupId() + "-results-"
                + ProcessHandle.current().pid(), worker.publishTimeout());
        loop = ConsumerLoop.builder(SERVICE, TaskIssued.class)
                .bootstrapServers(bootstrapServers)
                .groupId(worker.groupId())
                .topic(Topics.LLM_TASKS)
                .maxPollRecords(worker.maxPollRecords())
                .retryBackoff(worker.retryBackoff())
                .handler(new TaskBatchHandler(processor, calls, publisher, stopping::get))
                .build()
                .start();
        LOG.info("consuming {} as group {} with {} concurrent model calls", Topics.LLM_TASKS.name(),
                worker.groupId(), worker.concurrency());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping.set(true);
        if (calls != null) {
            // Interrupts calls in flight and cancels queued ones, so the handler stops waiting
            // and leaves the batch uncommitted.
            calls.shutdownNow().forEach(queued -> {
                if (queued instanceof Future<?> call) {
                    call.cancel(false);
                }
            });
        }
        if (loop != null) {
            loop.close();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    /** True while the consumer polls: from start until shutdown or an unexpected stop. */
    public boolean isRunning() {
        return loop != null && loop.isRunning() && !stopping.get();
    }

    private static ExecutorService callPool(int size) {
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "llm-call-" + ids.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
