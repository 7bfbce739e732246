package dev.conveyor.ingest.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka consumer on a thread of its own, handing each poll to a {@link BatchHandler}. The poll
 * thread prepares (parses) a batch while a store thread stores the batch before it, so parsing
 * overlaps PostgreSQL's COPY; only one batch is ever being stored, so no two transactions race
 * for the same reference ids. A batch's offsets are committed only once it is stored. A batch
 * whose preparing or storing fails is read again from its first offsets after a back-off (which
 * grows to {@code maxBackoff}), and so is the batch prepared behind it: nothing is skipped.
 *
 * <p>Plain consumer rather than a messaging channel: the channel wrapped every record in a message
 * with its own metadata and context, about 8 % of ingest's CPU on the topic path (JFR,
 * docs/decisions/09-plain-intake-consumers.md).
 */
public final class BatchConsumerLoop<P> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchConsumerLoop.class);
    /** How long a poll waits while a batch is being stored: its outcome is looked at in between. */
    private static final Duration POLL_WHILE_STORING = Duration.ofMillis(20);

    /** What the loop does with each poll. */
    public interface BatchHandler<P> {

        /** On the poll thread: parse and check the records; no side effects. */
        P prepare(ConsumerRecords<byte[], byte[]> records);

        /** On the store thread: store what {@link #prepare} made; throw to have the batch read again. */
        void store(P prepared);
    }

    /** A loop's state, for health checks and operators. */
    public record State(String name, String topic, boolean running, int consecutiveFailures, String lastFailure) {
    }

    private record Pending(Future<?> storing, Map<TopicPartition, Long> first,
            Map<TopicPartition, OffsetAndMetadata> next) {
    }

    private final String name;
    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final BatchHandler<P> handler;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    private final Duration maxBackoff;
    private final ExecutorService storer;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile int consecutiveFailures;
    private volatile String lastFailure;
    private Pending pending;

    public BatchConsumerLoop(String name, String topic, Consumer<byte[], byte[]> consumer, BatchHandler<P> handler,
            Duration pollTimeout, Duration retryBackoff, Duration maxBackoff) {
        this.name = name;
        this.topic = topic;
        this.consumer = consumer;
        this.handler = handler;
        this.pollTimeout = pollTimeout;
        this.retryBackoff = retryBackoff;
        this.maxBackoff = maxBackoff;
        this.storer = Executors.newSingleThreadExecutor(task -> daemon(task, name + "-store"));
        this.thread = daemon(this::run, name + "-poll");
    }

    public BatchConsumerLoop<P> start() {
        thread.start();
        return this;
    }

    public State state() {
        return new State(name, topic, running && thread.isAlive(), consecutiveFailures, lastFailure);
    }

    /** Stops polling, waits for the batch being stored and commits it, then closes the consumer. */
    @Override
    public void close() {
        running = false;
        stopped.countDown();
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pending == null ? pollTimeout : POLL_WHILE_STORING);
                step(records);
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException | Error e) {
            LOG.error("{} stopped: {}", name, e.toString(), e);
            lastFailure = e.toString();
            throw e;
        } finally {
            try {
                if (pending != null) {
                    complete(pending);
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: the last batch was not committed (it is read again at the next start): {}", name, e.toString());
            } finally {
                running = false;
                storer.shutdownNow();
                consumer.close(Duration.ofSeconds(5));
            }
        }
    }

    private void step(ConsumerRecords<byte[], byte[]> records) {
        P prepared = null;
        RuntimeException unprepared = null;
        if (!records.isEmpty()) {
            try {
                prepared = handler.prepare(records);
            } catch (RuntimeException e) {
                unprepared = e;
            }
        }
        Pending failed = null;
        if (pending != null && (!records.isEmpty() || pending.storing().isDone())) {
            Pending done = pending;
            pending = null;
            if (!complete(done)) {
                failed = done;
            }
        }
        if (failed != null || unprepared != null) {
            if (unprepared != null) {
                failure(unprepared);
            }
            rewind(failed, records);
            backOff();
            return;
        }
        if (prepared != null) {
            P batch = prepared;
            pending = new Pending(storer.submit(() -> handler.store(batch)), firstOffsets(records), nextOffsets(records));
        }
    }

    /** Waits for a stored batch and commits its offsets; false when storing it failed. */
    private boolean complete(Pending done) {
        try {
            done.storing().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure(e);
            return false;
        } catch (ExecutionException e) {
            failure(e.getCause());
            return false;
        }
        consecutiveFailures = 0;
        try {
            consumer.commitSync(done.next());
        } catch (WakeupException e) {
            // closing: commit once more without being woken
            consumer.commitSync(done.next());
            throw e;
        } catch (KafkaException e) {
            // The partitions went to another member, which reads them again: rows are kept by reference id.
            LOG.warn("{}: offsets not committed, the batch will be read again: {}", name, e.toString());
        }
        return true;
    }

    private void failure(Throwable cause) {
        consecutiveFailures++;
        lastFailure = String.valueOf(cause);
        LOG.warn("{}: a batch was not stored (attempt {}), it is read again: {}", name, consecutiveFailures, String.valueOf(cause));
    }

    /** Seeks back to the first offset of a failed batch and of the batch polled behind it. */
    private void rewind(Pending failed, ConsumerRecords<byte[], byte[]> behind) {
        Map<TopicPartition, Long> to = firstOffsets(behind);
        if (failed != null) {
            to.putAll(failed.first()); // earlier than anything polled behind it
        }
        to.forEach((partition, offset) -> {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    private void backOff() {
        long millis = retryBackoff.toMillis() << Math.min(20, Math.max(0, consecutiveFailures - 1));
        try {
            stopped.await(Math.min(millis, maxBackoff.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<TopicPartition, Long> firstOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            first.put(partition, records.records(partition).get(0).offset());
        }
        return first;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            next.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return next;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** A partition given up is committed up to what was stored; one lost is read again by its new owner. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (pending != null) {
                Pending done = pending;
                pending = null;
                if (!complete(done)) {
                    rewind(done, ConsumerRecords.empty());
                }
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // positions come from the group's committed offsets
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (pending != null) {
                try {
                    pending.storing().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException e) {
                    // read again by the partitions' new owner
                }
                pending = null;
            }
        }
    }
}
