package dev.conveyor.e2e.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.kafka.Topics;

/**
 * Reads {@code conveyor.llm-results} and {@code conveyor.dead-letter} on its own thread from the
 * start of the benchmark: keeps the first result of each task with the time it arrived, and
 * counts every further result of the same task as a duplicate.
 */
final class ResultCollector implements AutoCloseable {

    /** A task's first result and when the benchmark received it (epoch millis). */
    record Received(TaskFinished result, long receivedAtMillis) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Map<String, Received> firstByTask = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> distinctByRun = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> duplicatesByRun = new ConcurrentHashMap<>();
    private final List<String> deadLetterReasons = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    ResultCollector(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-collector-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.LLM_RESULTS.name(), Topics.DEAD_LETTER.name()));
        thread = new Thread(this::run, "bench-results");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    if (record.topic().equals(Topics.DEAD_LETTER.name())) {
                        RecordDeadLettered dead = Topics.DEAD_LETTER.valueSerde().deserializer()
                                .deserialize(record.topic(), record.value());
                        deadLetterReasons.add(dead.getService() + ": " + dead.getReason());
                        continue;
                    }
                    TaskFinished result = Topics.LLM_RESULTS.valueSerde().deserializer()
                            .deserialize(record.topic(), record.value());
                    boolean first = firstByTask.putIfAbsent(result.getTaskId(), new Received(result, now)) == null;
                    (first ? distinctByRun : duplicatesByRun)
                            .computeIfAbsent(result.getRunId(), r -> new AtomicLong()).incrementAndGet();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Distinct tasks of the run with a result so far. */
    long distinct(String runId) {
        return distinctByRun.getOrDefault(runId, new AtomicLong()).get();
    }

    long duplicates(String runId) {
        return duplicatesByRun.getOrDefault(runId, new AtomicLong()).get();
    }

    /** The first result of each of the run's tasks. */
    List<Received> firstResults(String runId) {
        List<Received> all = new ArrayList<>();
        firstByTask.values().stream().filter(r -> r.result().getRunId().equals(runId)).forEach(all::add);
        return all;
    }

    List<String> deadLetterReasons() {
        return List.copyOf(deadLetterReasons);
    }

    /** Fails when the reading thread died (an undecodable result, a lost broker). */
    void check() {
        if (failure != null) {
            throw new IllegalStateException("reading results failed: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
