package dev.conveyor.review.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import dev.conveyor.common.kafka.KafkaClientSecurity;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.schemas.kafka.TopicSpec;

/**
 * Reads a topic partition by partition, from the beginning up to the end offset taken when the
 * read starts: a bounded replay for rebuilding a view, not a consumer (no group, nothing committed).
 * Records come in the batches the broker returns (thousands at a time), in offset order.
 */
@ApplicationScoped
public class TopicReplay {

    private static final int MAX_POLL_RECORDS = 20_000;

    private final KafkaSettings kafka;

    public TopicReplay(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /** The topic's partition count; an aggregate's events are all in one partition (keyed by its id). */
    public int partitions(TopicSpec<?, ?> topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer())) {
            return consumer.partitionsFor(topic.name()).size();
        }
    }

    /** Hands every value of one partition to {@code sink}, batch by batch, in order; returns how many. */
    public <V> long replay(TopicSpec<?, V> topic, int partition, Consumer<List<V>> sink) {
        long read = 0;
        try (KafkaConsumer<byte[], V> consumer = consumer(topic.valueSerde().deserializer())) {
            TopicPartition tp = new TopicPartition(topic.name(), partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                ConsumerRecords<byte[], V> records = consumer.poll(Duration.ofMillis(500));
                List<V> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], V> r : records) {
                    if (r.offset() < end) {
                        batch.add(r.value());
                    }
                }
                if (!batch.isEmpty()) {
                    sink.accept(batch);
                    read += batch.size();
                }
            }
        }
        return read;
    }

    /** Every partition in turn; returns how many values were read. */
    public <V> long replayAll(TopicSpec<?, V> topic, Consumer<List<V>> sink) {
        long read = 0;
        for (int p = 0, n = partitions(topic); p < n; p++) {
            read += replay(topic, p, sink);
        }
        return read;
    }

    private <V> KafkaConsumer<byte[], V> consumer(Deserializer<V> values) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(MAX_POLL_RECORDS));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024));
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), values);
    }
}
