package dev.conveyor.review.paths;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;

/** Reads conveyor.llm-tasks the way a worker would, to find the task a Path's AI request issued. */
final class PathTaskWatcher {

    private PathTaskWatcher() {
    }

    /** Waits until review-service's AI results group has committed past this record, that is handled it. */
    static void awaitAiGroupPast(RecordMetadata record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.bootstrapServers()))) {
            await("group conveyor-review-ai commits past " + tp + "@" + record.offset()).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets("conveyor-review-ai")
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(tp);
                        return committed != null && committed.offset() > record.offset();
                    });
        }
    }

    static TaskIssued awaitTask(String taskId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "paths-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<TaskIssued> found = new ArrayList<>();
        try (KafkaConsumer<String, TaskIssued> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Topics.LLM_TASKS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.LLM_TASKS.name()));
            await("task " + taskId + " on " + Topics.LLM_TASKS.name()).atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, TaskIssued> r : consumer.poll(Duration.ofMillis(200))) {
                    if (taskId.equals(r.key())) {
                        found.add(r.value());
                    }
                }
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }
}
