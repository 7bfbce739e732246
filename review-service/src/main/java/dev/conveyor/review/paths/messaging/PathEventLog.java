package dev.conveyor.review.paths.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.conveyor.common.kafka.KafkaClientSecurity;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.schemas.PathEvent;
import dev.conveyor.schemas.kafka.Topics;

/**
 * Reads conveyor.path-events partition by partition, from the beginning up to the end offset taken
 * when the read starts: a bounded replay for rebuilding the view, not a consumer (no group,
 * nothing committed).
 */
@ApplicationScoped
public class PathEventLog {

    private final KafkaSettings kafka;

    public PathEventLog(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /** The topic's partitions; a Path's events are all in one of them. */
    public int partitions() {
        try (KafkaConsumer<String, PathEvent> consumer = consumer()) {
            return consumer.partitionsFor(Topics.PATH_EVENTS.name()).size();
        }
    }

    /** Hands every event of one partition to {@code sink}, in order; returns how many were read. */
    public long replay(int partition, Consumer<PathEvent> sink) {
        long read = 0;
        try (KafkaConsumer<String, PathEvent> consumer = consumer()) {
            TopicPartition tp = new TopicPartition(Topics.PATH_EVENTS.name(), partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<String, PathEvent> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end) {
                        sink.accept(r.value());
                        read++;
                    }
                }
            }
        }
        return read;
    }

    private KafkaConsumer<String, PathEvent> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        return new KafkaConsumer<>(props, new StringDeserializer(), Topics.PATH_EVENTS.valueSerde().deserializer());
    }
}
