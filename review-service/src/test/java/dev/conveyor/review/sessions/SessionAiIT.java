package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.FakeSupersetServer;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * AI work through the pipeline: the session's request is an extract task on conveyor.llm-tasks
 * (origin review-session, the answer's JSON Schema), and the worker's result on
 * conveyor.llm-results lands in the session once, however often it is delivered. The test plays
 * the worker on the real broker.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
@QuarkusTestResource(SessionTestEnvironment.class)
class SessionAiIT {

    static final int DATASET = 4501;
    static final SessionApi OWNER = new SessionApi("aida");

    @BeforeAll
    static void dataset() {
        ObjectNode d = FakeSupersetServer.table(DATASET, "tickets", "support", "warehouse", null);
        FakeSupersetServer.column(d, "ticket_id", "BIGINT", "Ticket", "Support ticket number");
        FakeSupersetServer.column(d, "sla_breach", "BOOLEAN", null, null);
        SessionTestEnvironment.superset().dataset(d);
    }

    @Test
    void aSummaryDraftRoundTripsThroughTheWorkersTopicsAndAppliesOnce() {
        String id = OWNER.created(DATASET).getString("session_id");
        JsonPath s = OWNER.request().body(Map.of("process_name", "business_summary"))
                .post("/review-sessions/{id}/ai-requests", id).then().statusCode(202).extract().jsonPath();
        String taskId = s.getString("ai_requests[0].task_id");
        assertThat(s.getString("active_task_id")).isEqualTo(taskId);

        TaskIssued task = awaitTask(taskId);
        assertThat(task.getOrigin()).isEqualTo(TaskOrigins.REVIEW_SESSION);
        assertThat(task.getRunId()).isEqualTo(id);
        assertThat(task.getProcessName()).isEqualTo("business_summary");
        assertThat(task.getProcess().getType().name()).isEqualTo("EXTRACT");
        assertThat(task.getProcess().getJsonSchema()).contains("business_summary");
        assertThat(task.getInputs().get("dataset")).contains("tickets");

        TaskFinished done = finished(task, TaskOutcome.COMPLETED,
                "{\"business_summary\":\"One row per support ticket, with its SLA outcome.\"}", null);
        send(done);
        send(done); // redelivered
        await("the draft lands in the session").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "completed".equals(OWNER.get(id).getString("ai_requests[0].status")));
        s = OWNER.get(id);
        assertThat(s.getString("profile.business_summary")).isEqualTo("One row per support ticket, with its SLA outcome.");
        assertThat(s.getString("profile.business_summary_source")).isEqualTo("ai_draft");
        assertThat(s.getString("active_task_id")).isNull();
        long version = s.getLong("version");
        // a third delivery after the answer was applied changes nothing either
        awaitAiGroupPast(send(done));
        // then one change of our own: if the redelivery had done anything, the version would show it
        String field = s.getString("fields[0].field_id");
        OWNER.request().body(Map.of("user_feedback", "up")).put("/review-sessions/{id}/fields/{f}/feedback", id, field)
                .then().statusCode(200);
        List<String> types = OWNER.request().get("/review-sessions/{id}/events", id).jsonPath().getList("type");
        assertThat(types.stream().filter("ai_answered"::equals)).hasSize(1);
        assertThat(OWNER.get(id).getLong("version")).isEqualTo(version + 1);
    }

    @Test
    void fieldProposalsAreGeneratedCandidatesThatNeedReview() {
        String id = OWNER.created(DATASET).getString("session_id");
        String taskId = OWNER.request().body(Map.of("process_name", "field_proposals"))
                .post("/review-sessions/{id}/ai-requests", id).then().statusCode(202).extract()
                .path("ai_requests[0].task_id");
        TaskIssued task = awaitTask(taskId);
        assertThat(task.getInputs().get("fields")).contains("sla_breach").doesNotContain("ticket_id");
        send(finished(task, TaskOutcome.COMPLETED, """
                {"fields":[{"field_name":"sla_breach","verbose_name":"SLA breached",
                  "description":"Whether the ticket missed its service-level deadline","confidence":0.9},
                  {"field_name":"no_such_field","verbose_name":"x","description":"y","confidence":1}]}""", null));
        await("proposals land").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "completed".equals(OWNER.get(id).getString("ai_requests[0].status")));
        JsonPath s = OWNER.get(id);
        Map<String, Object> f = s.getMap("fields.find { it.field_name == 'sla_breach' }");
        assertThat(f).containsEntry("verbose_name", "SLA breached").containsEntry("provenance", "ai_generated")
                .containsEntry("needs_review", true).containsEntry("last_changed_by", "agent")
                .containsEntry("confidence_rank", 4);
        assertThat(s.getString("fields.find { it.field_name == 'sla_breach' }.candidates[0].match_type"))
                .isEqualTo("generated");
        assertThat(s.getString("semantic_sources[0].source_type")).isEqualTo("ai_generated");
        assertThat(s.getString("semantic_sources[0].trust_level")).isEqualTo("generated");
        assertThat(s.getList("fields.find { it.field_name == 'ticket_id' }.candidates")).isEmpty();
    }

    @Test
    void aFailedTaskSaysWhyAndLeavesTheSummaryAsItWas() {
        JsonPath created = OWNER.created(DATASET);
        String id = created.getString("session_id");
        String taskId = OWNER.request().body(Map.of("process_name", "business_summary"))
                .post("/review-sessions/{id}/ai-requests", id).then().statusCode(202).extract()
                .path("ai_requests[0].task_id");
        send(finished(awaitTask(taskId), TaskOutcome.FAILED, null,
                "offline model: business_summary needs a model endpoint (set an OpenAI-compatible base URL)"));
        await("the failure lands").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "failed".equals(OWNER.get(id).getString("ai_requests[0].status")));
        JsonPath s = OWNER.get(id);
        assertThat(s.getString("ai_requests[0].error")).contains("model endpoint");
        assertThat(s.getString("profile.business_summary")).isEqualTo(created.getString("profile.business_summary"));
        assertThat(s.getString("findings.find { it.code == 'ai_request_failed' }.severity")).isEqualTo("informational");
    }

    @Test
    void aLockedSummaryIsNotOfferedToTheModel() {
        String id = OWNER.created(DATASET).getString("session_id");
        OWNER.request().body(Map.of("business_summary", "Written by a person")).patch("/review-sessions/{id}/profile",
                id).then().statusCode(200);
        OWNER.request().body(Map.of("process_name", "business_summary")).post("/review-sessions/{id}/ai-requests", id)
                .then().statusCode(409).contentType("application/problem+json");
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
