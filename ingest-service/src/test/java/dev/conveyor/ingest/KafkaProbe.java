package dev.conveyor.ingest;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;

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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.testing.KafkaTestResource;

/** Looks at topics the way a downstream consumer would: read_committed, from given offsets. */
public final class KafkaProbe {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private KafkaProbe() {
    }

    /** The offsets up to which read_committed consumers can read now (the last stable offsets). */
    public static Map<TopicPartition, Long> committedEndOffsets(TopicSpec<?, ?> topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer, topic));
        }
    }

    /**
     * Reads every committed record from {@code from} up to the end offsets of the moment of the call,
     * decoded with the topic's serdes.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readCommitted(TopicSpec<K, V> topic,
            Map<TopicPartition, Long> from) {
        List<ConsumerRecord<K, V>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            partitions.forEach(tp -> consumer.seek(tp, from.getOrDefault(tp, 0L)));
            await().atMost(DEADLINE).pollInSameThread().until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    // Headers kept: dead letters carry their reason there too.
                    read.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
                            r.timestampType(), r.serializedKeySize(), r.serializedValueSize(),
                            topic.keySerde().deserializer().deserialize(r.topic(), r.key()),
                            topic.valueSerde().deserializer().deserialize(r.topic(), r.value()),
                            r.headers(), r.leaderEpoch()));
                }
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return read;
    }

    /** Produces raw bytes without a transaction, as a user's producer would, all in one flush. */
    public static List<RecordMetadata> produceRaw(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            var futures = records.stream().map(producer::send).toList();
            producer.flush();
            for (var future : futures) {
                sent.add(future.get());
            }
        }
        return sent;
    }

    /** Where a record sits in its topic. */
    public record Position(TopicPartition partition, long offset) {

        public static Position of(RecordMetadata sent) {
            return new Position(new TopicPartition(sent.topic(), sent.partition()), sent.offset());
        }

        public static Position of(ConsumerRecord<?, ?> read) {
            return new Position(new TopicPartition(read.topic(), read.partition()), read.offset());
        }
    }

    /** True once the group has committed past each of the given records, i.e. has handled them. */
    public static boolean groupHasCommittedPast(String group, List<Position> records) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            return records.stream().allMatch(r -> {
                OffsetAndMetadata offset = committed.get(r.partition());
                return offset != null && offset.offset() > r.offset();
            });
        }
    }

    public static <K, V> Map<K, ConsumerRecord<K, V>> byKey(List<ConsumerRecord<K, V>> records) {
        return records.stream().collect(Collectors.toMap(ConsumerRecord::key, Function.identity(), (a, b) -> b));
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, TopicSpec<?, ?> topic) {
        return consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
