package dev.conveyor.worker.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.DeadLetters;
import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.worker.service.TaskProcessor;
import dev.conveyor.common.kafka.KafkaClientSecurity;
import dev.conveyor.worker.metrics.WorkerMeters;

/**
 * Consumes tasks and keeps many of them in flight: each task runs on its own (virtual where the
 * runtime has them) thread, its result is written as soon as it is ready, and a task's offset
 * becomes committable once its result is acknowledged, so a slow call holds back neither the
 * tasks behind it nor their results, only the commit point of its partition. Polling pauses
 * while {@code maxInFlight} tasks are running. A task cut short by shutdown or a lost partition
 * gets no result and is redelivered; a result written twice has the same task id.
 */
public final class TaskPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskPipeline.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final TaskProcessor processor;
    private final int maxInFlight;
    private final Duration commitInterval;
    private final Duration retryPublishAfter = Duration.ofSeconds(1);
    private final String service;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<String, TaskFinished> results;
    private final KafkaProducer<byte[], RecordDeadLettered> deadLetters;
    private final ExecutorService calls;
    private final Semaphore callSlots;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "result-publish-retry");
        t.setDaemon(true);
        return t;
    });
    private final OffsetTracker offsets = new OffsetTracker();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private boolean paused;

    public TaskPipeline(String service, String bootstrapServers, String groupId, int maxPollRecords, int maxInFlight,
            Duration commitInterval, Duration publishTimeout, TaskProcessor processor) {
        this.service = service;
        this.processor = processor;
        this.maxInFlight = maxInFlight;
        this.commitInterval = commitInterval;
        this.callSlots = new Semaphore(maxInFlight);
        this.calls = CallThreads.create(maxInFlight);

        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.putAll(KafkaClientSecurity.fromConfig());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Never more than a window's worth at once, so a poll cannot overshoot the window much.
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(1, Math.min(maxPollRecords, maxInFlight)));
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putAll(KafkaClientSecurity.fromConfig());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        int request = (int) Math.max(1_000, Math.min(30_000, publishTimeout.toMillis() - 2));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(publishTimeout.toMillis(), request + 2));
        this.results = new KafkaProducer<>(p, Topics.LLM_RESULTS.keySerde().serializer(),
                Topics.LLM_RESULTS.valueSerde().serializer());
        this.deadLetters = new KafkaProducer<>(p, Topics.DEAD_LETTER.keySerde().serializer(),
                Topics.DEAD_LETTER.valueSerde().serializer());
        this.thread = new Thread(this::run, service + "-tasks");
    }

    public TaskPipeline start() {
        thread.start();
        return this;
    }

    public boolean isRunning() {
        return thread.isAlive() && stopped.getCount() > 0;
    }

    /** Tasks taken and not yet written back. */
    public int inFlight() {
        return inFlight.get();
    }

    private void run() {
        long lastCommit = System.nanoTime();
        try {
            consumer.subscribe(List.of(Topics.LLM_TASKS.name()), new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    take(record);
                }
                applyBackpressure();
                if (System.nanoTime() - lastCommit >= commitInterval.toNanos()) {
                    commit(null);
                    lastCommit = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("{} task consumer stopped on an unexpected error", service, e);
        } finally {
            drainAndClose();
            stopped.countDown();
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        offsets.begin(tp, record.offset());
        TaskIssued task;
        try {
            task = Topics.LLM_TASKS.valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (task == null) {
                throw new IllegalArgumentException("empty value (tombstone)");
            }
            if (task.getTaskId() == null || task.getTaskId().isBlank()) {
                throw new IllegalArgumentException("task has no task_id, so its result could not be keyed");
            }
        } catch (RuntimeException e) {
            deadLetter(record, tp, (e instanceof org.apache.kafka.common.errors.SerializationException
                    ? "undecodable record: " : "") + e.getMessage());
            return;
        }
        inFlight.incrementAndGet();
        CompletableFuture.supplyAsync(() -> runTask(task), calls).whenComplete((result, failure) -> {
            if (failure != null) {
                // Cut short (shutdown): no result, the offset stays uncommitted and the task is redelivered.
                inFlight.decrementAndGet();
                LOG.debug("task {} left for redelivery: {}", task.getTaskId(), failure.toString());
                return;
            }
            publish(result, tp, record.offset());
        });
    }

    private TaskFinished runTask(TaskIssued task) {
        try {
            callSlots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("the worker is stopping");
        }
        try {
            TaskFinished result = processor.process(task);
            WorkerMeters.finished(result);
            return result;
        } finally {
            callSlots.release();
        }
    }

    private void publish(TaskFinished result, TopicPartition tp, long offset) {
        results.send(new ProducerRecord<>(Topics.LLM_RESULTS.name(), result.getTaskId(), result), (meta, error) -> {
            if (error == null) {
                offsets.done(tp, offset);
                inFlight.decrementAndGet();
            } else if (running) {
                LOG.warn("could not write the result of task {}, retrying: {}", result.getTaskId(), error.toString());
                retries.schedule(() -> publish(result, tp, offset), retryPublishAfter.toMillis(),
                        TimeUnit.MILLISECONDS);
            } else {
                inFlight.decrementAndGet(); // stopping: the task is redelivered
            }
        });
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, TopicPartition tp, String reason) {
        LOG.warn("{} dead-letters {}-{}@{}: {}", service, record.topic(), record.partition(), record.offset(), reason);
        deadLetters.send(DeadLetters.of(record, reason, service), (meta, error) -> {
            if (error == null) {
                offsets.done(tp, record.offset());
            } else {
                LOG.error("could not dead-letter {}-{}@{}; it stays uncommitted: {}", record.topic(),
                        record.partition(), record.offset(), error.toString());
            }
        });
    }

    private void applyBackpressure() {
        int running = inFlight.get();
        if (!paused && running >= maxInFlight) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && running < Math.max(1, maxInFlight / 2)) {
            consumer.resume(consumer.paused());
            paused = false;
        }
    }

    private void commit(Collection<TopicPartition> only) {
        Map<TopicPartition, OffsetAndMetadata> ready = offsets.committable(only);
        if (ready.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(ready);
            offsets.committed(ready);
        } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
            LOG.info("partitions moved before the commit; their tasks will be redelivered");
        }
    }

    private void drainAndClose() {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        calls.shutdownNow(); // interrupts calls and waits: those tasks are redelivered
        while (offsets.pending() > 0 && inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // results being acknowledged; bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            results.flush();
            deadLetters.flush();
            commit(null);
        } catch (RuntimeException e) {
            LOG.warn("final commit failed: {}", e.toString());
        }
        retries.shutdownNow();
        consumer.close();
        results.close(Duration.ofSeconds(5));
        deadLetters.close(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                LOG.warn("{} task consumer did not stop within 30 s", service);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On losing partitions: commit what is done there; their tasks in flight are redelivered to the new owner. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commit(partitions);
            offsets.forget(partitions);
            paused = false;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (paused) {
                consumer.pause(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            offsets.forget(partitions);
        }
    }
}
