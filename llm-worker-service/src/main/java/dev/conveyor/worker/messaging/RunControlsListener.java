package dev.conveyor.worker.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.schemas.RunHalted;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.worker.service.HaltedRuns;
import dev.conveyor.common.kafka.KafkaClientSecurity;

/**
 * Every worker reads all of {@code conveyor.run-controls} (no consumer group: each instance
 * needs every entry), from the beginning, and keeps the halted runs in memory.
 */
public final class RunControlsListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunControlsListener.class);

    private final KafkaConsumer<String, RunHalted> consumer;
    private final HaltedRuns halted;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public RunControlsListener(String bootstrapServers, HaltedRuns halted) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(props, Topics.RUN_CONTROLS.keySerde().deserializer(),
                Topics.RUN_CONTROLS.valueSerde().deserializer());
        this.halted = halted;
        this.thread = new Thread(this::run, "run-controls");
        this.thread.setDaemon(true);
    }

    public RunControlsListener start() {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.RUN_CONTROLS.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                try {
                    for (ConsumerRecord<String, RunHalted> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() != null) {
                            halted.halt(record.value().getRunId(), record.value().getReason());
                            LOG.info("run {} halted: {}", record.value().getRunId(), record.value().getReason());
                        }
                    }
                } catch (org.apache.kafka.common.errors.RecordDeserializationException e) {
                    LOG.warn("skipping an unreadable run control at {}@{}: {}", e.topicPartition(), e.offset(),
                            e.getMessage());
                    consumer.seek(e.topicPartition(), e.offset() + 1);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
