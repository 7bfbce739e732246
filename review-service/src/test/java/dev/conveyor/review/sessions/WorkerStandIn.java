package dev.conveyor.review.sessions;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import io.restassured.path.json.JsonPath;

/**
 * Plays the LLM worker on the real broker for the sessions ITs: reads the session's task from
 * conveyor.llm-tasks and answers it on conveyor.llm-results.
 */
final class WorkerStandIn {

    static final String OFFLINE = "process 'clarification_questions' (extract) needs a model endpoint: the offline "
            + "model only classifies, writes extractive summaries and ranks by similarity";

    private WorkerStandIn() {
    }

    /**
     * Starts a clarification as the offline worker leaves it: the questions task fails saying that
     * a model endpoint is needed, and the session words the questions by rule.
     */
    static JsonPath clarificationByRule(SessionApi api, String sessionId) {
        String taskId = api.request().post("/review-sessions/{id}/clarification", sessionId).then().statusCode(202)
                .extract().path("active_task_id");
        send(finished(awaitTask(taskId), TaskOutcome.FAILED, null, OFFLINE));
        await("the rule-worded questions").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get(sessionId).getString("clarification.current_question_id") != null);
        return api.get(sessionId);
    }

    static TaskFinished finished(TaskIssued task, TaskOutcome outcome, String output, String error) {
        return TaskFinished.newBuilder()
                .setTaskId(task.getTaskId()).setRunId(task.getRunId()).setWorkflowId(task.getWorkflowId())
                .setReferenceId(task.getReferenceId()).setSourceConnection(task.getSourceConnection())
                .setProcessName(task.getProcessName()).setStageIndex(task.getStageIndex())
                .setOutcome(outcome).setOutput(output).setError(error).setModel("gpt-4o-mini")
                .setIssuedAt(task.getIssuedAt()).setFinishedAt(Instant.now()).setOrigin(task.getOrigin())
                .build();
    }

    /** Waits until review-service's AI results group has committed past this record, that is handled it. */
    static void awaitAiGroupPast(RecordMetadata record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaTestResource.bootstrapServers()))) {
            await("group conveyor-review-ai past " + tp + "@" + record.offset()).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets("conveyor-review-ai")
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(tp);
                        return committed != null && committed.offset() > record.offset();
                    });
        }
    }

    static RecordMetadata send(TaskFinished result) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        try (KafkaProducer<String, TaskFinished> producer = new KafkaProducer<>(props, new StringSerializer(),
                Topics.LLM_RESULTS.valueSerde().serializer())) {
            return producer.send(new ProducerRecord<>(Topics.LLM_RESULTS.name(), result.getTaskId(), result)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static TaskIssued awaitTask(String taskId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "sessions-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<TaskIssued> found = new ArrayList<>();
        try (KafkaConsumer<String, TaskIssued> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Topics.LLM_TASKS.valueSerde().deserializer())) {
            consumer.subscribe(List.of(Topics.LLM_TASKS.name()));
            await("task " + taskId).atMost(Duration.ofSeconds(60)).until(() -> {
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
