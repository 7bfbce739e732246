package dev.conveyor.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.common.kafka.KafkaClientSecurity;

/**
 * A consumer on its own thread that hands batches of decoded records to a handler and commits
 * only what was handled. A record that does not decode, or that the handler rejects, goes to
 * the dead-letter topic with the reason while the rest of the batch goes through. When the
 * handler throws (a database or the network is down), nothing of the batch is committed: the
 * loop seeks back to the batch start and polls it again after a back-off, so nothing is lost
 * and the handler must be idempotent.
 */
public final class ConsumerLoop<V> implements AutoCloseable {

    /** A decoded record, with its raw form kept for the dead-letter topic. */
    public record Incoming<V>(ConsumerRecord<byte[], byte[]> raw, String key, V value) {

        public Rejected reject(String reason) {
            return new Rejected(raw, reason);
        }
    }

    /** A record the handler gives up on, and why. */
    public record Rejected(ConsumerRecord<byte[], byte[]> raw, String reason) {
    }

    /** Handles one batch; returns the records it rejects (empty when all went through). */
    @FunctionalInterface
    public interface BatchHandler<V> {
        List<Rejected> handle(List<Incoming<V>> batch) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String service;
    private final Map<String, Deserializer<? extends V>> deserializers = new HashMap<>();
    private final BatchHandler<V> handler;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], RecordDeadLettered> deadLetters;
    private final Duration retryBackoff;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    private ConsumerLoop(Builder<V> builder) {
        this.service = builder.service;
        builder.topics.forEach(t -> deserializers.put(t.name(), t.valueSerde().deserializer()));
        this.handler = builder.handler;
        this.retryBackoff = builder.retryBackoff;

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
        consumerProps.putAll(KafkaClientSecurity.fromConfig());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, builder.groupId);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, builder.maxPollRecords);
        consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, builder.groupId + "-" + ProcessHandle.current().pid());
        consumerProps.putAll(builder.extraConsumerConfig);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
        producerProps.putAll(KafkaClientSecurity.fromConfig());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.deadLetters = new KafkaProducer<>(producerProps, Topics.DEAD_LETTER.keySerde().serializer(),
                Topics.DEAD_LETTER.valueSerde().serializer());

        consumer.subscribe(builder.topics.stream().map(TopicSpec::name).toList());
        this.thread = new Thread(this::run, service + "-consumer-" + builder.groupId);
    }

    public static <V> Builder<V> builder(String service, Class<V> valueType) {
        return new Builder<>(service);
    }

    public ConsumerLoop<V> start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    handleOnce(records);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("{} consumer stopped on an unexpected error", service, e);
        } finally {
            consumer.close();
            deadLetters.close();
            stopped.countDown();
        }
    }

    private void handleOnce(ConsumerRecords<byte[], byte[]> records) {
        List<Incoming<V>> batch = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> raw : records) {
            decode(raw, batch, rejected);
        }
        try {
            if (!batch.isEmpty()) {
                rejected.addAll(handler.handle(batch));
            }
            deadLetter(rejected);
            consumer.commitSync(nextOffsets(records));
        } catch (WakeupException e) {
            throw e;
        } catch (CommitFailedException e) {
            // The partitions moved to another member, which will get these records again.
            LOG.info("{} lost its partitions before committing; the records will be redelivered", service);
        } catch (Exception e) {
            LOG.warn("{} could not handle a batch of {} records, retrying in {} ms: {}", service, records.count(),
                    retryBackoff.toMillis(), e.toString());
            rewind(records);
            pauseFor(retryBackoff);
        }
    }

    /** Seeks back to the first record of the batch, so that the next poll returns it again. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition tp : records.partitions()) {
            consumer.seek(tp, records.records(tp).get(0).offset());
        }
    }

    @SuppressWarnings("unchecked")
    private void decode(ConsumerRecord<byte[], byte[]> raw, List<Incoming<V>> batch, List<Rejected> rejected) {
        if (raw.value() == null) {
            rejected.add(new Rejected(raw, "empty value (tombstone) on a topic that does not take tombstones"));
            return;
        }
        try {
            V value = (V) deserializers.get(raw.topic()).deserialize(raw.topic(), raw.value());
            String key = raw.key() == null ? null : new String(raw.key(), java.nio.charset.StandardCharsets.UTF_8);
            batch.add(new Incoming<>(raw, key, value));
        } catch (RuntimeException e) {
            rejected.add(new Rejected(raw, "undecodable record: " + e.getMessage()));
        }
    }

    private void deadLetter(List<Rejected> rejected) throws InterruptedException, ExecutionException, TimeoutException {
        if (rejected.isEmpty()) {
            return;
        }
        List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
        for (Rejected r : rejected) {
            LOG.warn("{} dead-letters {}-{}@{}: {}", service, r.raw().topic(), r.raw().partition(), r.raw().offset(),
                    r.reason());
            sends.add(deadLetters.send(DeadLetters.of(r.raw(), r.reason(), service)));
        }
        for (java.util.concurrent.Future<?> send : sends) {
            send.get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
            offsets.put(tp, new OffsetAndMetadata(list.get(list.size() - 1).offset() + 1));
        }
        return offsets;
    }

    private void pauseFor(Duration backoff) {
        try {
            // Back-off between retries of a failed batch; stop() interrupts it.
            stopped.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** True while the consumer thread polls; false once it stopped, on close or on an unexpected error. */
    public boolean isRunning() {
        return thread.isAlive() && stopped.getCount() > 0;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            if (!stopped.await(30, TimeUnit.SECONDS)) {
                LOG.warn("{} consumer did not stop within 30 s", service);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Configures a loop. */
    public static final class Builder<V> {
        private final String service;
        private String bootstrapServers;
        private String groupId;
        private final List<TopicSpec<String, ? extends V>> topics = new ArrayList<>();
        private BatchHandler<V> handler;
        private int maxPollRecords = 500;
        private Duration retryBackoff = Duration.ofSeconds(1);
        private final Map<String, Object> extraConsumerConfig = new HashMap<>();

        private Builder(String service) {
            this.service = service;
        }

        public Builder<V> bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        public Builder<V> groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder<V> topic(TopicSpec<String, ? extends V> topic) {
            this.topics.add(topic);
            return this;
        }

        public Builder<V> handler(BatchHandler<V> handler) {
            this.handler = handler;
            return this;
        }

        public Builder<V> maxPollRecords(int maxPollRecords) {
            this.maxPollRecords = maxPollRecords;
            return this;
        }

        public Builder<V> retryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        public Builder<V> consumerConfig(String key, Object value) {
            this.extraConsumerConfig.put(key, value);
            return this;
        }

        public ConsumerLoop<V> build() {
            if (bootstrapServers == null || groupId == null || topics.isEmpty() || handler == null) {
                throw new IllegalStateException("bootstrapServers, groupId, topics and handler are required");
            }
            return new ConsumerLoop<>(this);
        }
    }
}
