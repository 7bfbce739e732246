package dev.conveyor.review.paths.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.kafka.Topics;

/**
 * Reads conveyor.path-events from the beginning up to the end offsets taken when the read starts:
 * a bounded replay for rebuilding the view, not a consumer (no group, nothing committed).
 */
@ApplicationScoped
public class PathEventLog {

    private final KafkaSettings kafka;

    public PathEventLog(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /** Hands every event to {@code sink}, each partition in order; returns how many were read. */
    public long replay(Consumer<PathEvent> sink) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        long read = 0;
        try (KafkaConsumer<String, PathEvent> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Topics.PATH_EVENTS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.PATH_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, PathEvent> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        sink.accept(r.value());
                        read++;
                    }
                }
            }
        }
        return read;
    }
}
