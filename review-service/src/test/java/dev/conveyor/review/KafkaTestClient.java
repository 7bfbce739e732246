package dev.conveyor.review;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;

/** Writes task events the way the orchestrator and the worker do, and watches what the service did with them. */
public final class KafkaTestClient implements AutoCloseable {

    public static final String GROUP = "conveyor-review";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final String bootstrap = KafkaTestResource.bootstrapServers();
    private final KafkaProducer<String, TaskIssued> tasks = producer(Topics.LLM_TASKS);
    private final KafkaProducer<String, TaskFinished> results = producer(Topics.LLM_RESULTS);
    private final KafkaProducer<String, byte[]> raw = new KafkaProducer<>(producerProps(), new StringSerializer(),
            new ByteArraySerializer());
    private final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));

    public RecordMetadata issue(TaskIssued event) {
        return send(tasks, new ProducerRecord<>(Topics.LLM_TASKS.name(), event.getTaskId(), event));
    }

    public RecordMetadata finish(TaskFinished event) {
        return send(results, new ProducerRecord<>(Topics.LLM_RESULTS.name(), event.getTaskId(), event));
    }

    /** Produces a finished task onto a chosen partition (to follow another record there). */
    public RecordMetadata finish(TaskFinished event, int partition) {
        return send(results, new ProducerRecord<>(Topics.LLM_RESULTS.name(), partition, event.getTaskId(), event));
    }

    public RecordMetadata sendRaw(String topic, String key, byte[] value) {
        return send(raw, new ProducerRecord<>(topic, key, value));
    }

    /** Waits until the service has committed past this record, that is handled it (or dead-lettered it). */
    public void awaitConsumed(RecordMetadata record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        await("group " + GROUP + " commits past " + tp + "@" + record.offset()).atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                            .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                    OffsetAndMetadata committed = offsets.get(tp);
                    return committed != null && committed.offset() > record.offset();
                });
    }

    /** Reads the dead-letter topic from the start until a record with this original key shows up. */
    public RecordDeadLettered awaitDeadLetter(String originalKey) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "review-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        byte[] key = originalKey.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<RecordDeadLettered> found = new ArrayList<>();
        try (KafkaConsumer<byte[], RecordDeadLettered> consumer = new KafkaConsumer<>(props,
                Topics.DEAD_LETTER.keySerde().deserializer(), Topics.DEAD_LETTER.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.DEAD_LETTER.name()));
            await("dead letter with key " + originalKey).atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<byte[], RecordDeadLettered> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(r.key(), key)) {
                        found.add(r.value());
                    }
                }
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    @Override
    public void close() {
        tasks.close();
        results.close();
        raw.close();
        admin.close();
    }

    private static <K, V> RecordMetadata send(KafkaProducer<K, V> producer, ProducerRecord<K, V> record) {
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + record.topic(), e);
        }
    }

    private <V> KafkaProducer<String, V> producer(TopicSpec<String, V> topic) {
        return new KafkaProducer<>(producerProps(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private Properties producerProps() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }
}
