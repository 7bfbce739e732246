package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOrigins;
import dev.conveyor.schemas.TaskOutcome;
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

        TaskIssued task = WorkerStandIn.awaitTask(taskId);
        assertThat(task.getOrigin()).isEqualTo(TaskOrigins.REVIEW_SESSION);
        assertThat(task.getRunId()).isEqualTo(id);
        assertThat(task.getProcessName()).isEqualTo("business_summary");
        assertThat(task.getProcess().getType().name()).isEqualTo("EXTRACT");
        assertThat(task.getProcess().getJsonSchema()).contains("business_summary");
        assertThat(task.getInputs().get("dataset")).contains("tickets");

        TaskFinished done = WorkerStandIn.finished(task, TaskOutcome.COMPLETED,
                "{\"business_summary\":\"One row per support ticket, with its SLA outcome.\"}", null);
        WorkerStandIn.send(done);
        WorkerStandIn.send(done); // redelivered
        await("the draft lands in the session").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "completed".equals(OWNER.get(id).getString("ai_requests[0].status")));
        s = OWNER.get(id);
        assertThat(s.getString("profile.business_summary")).isEqualTo("One row per support ticket, with its SLA outcome.");
        assertThat(s.getString("profile.business_summary_source")).isEqualTo("ai_draft");
        assertThat(s.getString("active_task_id")).isNull();
        long version = s.getLong("version");
        // a third delivery after the answer was applied changes nothing either
        WorkerStandIn.awaitAiGroupPast(WorkerStandIn.send(done));
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
        TaskIssued task = WorkerStandIn.awaitTask(taskId);
        assertThat(task.getInputs().get("fields")).contains("sla_breach").doesNotContain("ticket_id");
        WorkerStandIn.send(WorkerStandIn.finished(task, TaskOutcome.COMPLETED, """
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
        WorkerStandIn.send(WorkerStandIn.finished(WorkerStandIn.awaitTask(taskId), TaskOutcome.FAILED, null,
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

    @Test
    void clarificationQuestionsAreTheModelsAndLandOnce() {
        String id = OWNER.created(DATASET).getString("session_id");
        JsonPath accepted = OWNER.request().post("/review-sessions/{id}/clarification", id).then().statusCode(202)
                .extract().jsonPath();
        assertThat(accepted.getString("clarification")).isNull();
        assertThat(accepted.getString("ai_requests[0].process_name")).isEqualTo("clarification_questions");
        TaskIssued task = WorkerStandIn.awaitTask(accepted.getString("active_task_id"));
        assertThat(task.getOrigin()).isEqualTo(TaskOrigins.REVIEW_SESSION);
        assertThat(task.getProcessName()).isEqualTo("clarification_questions");
        assertThat(task.getProcess().getJsonSchema()).contains("minContains").contains("why_it_matters")
                .contains("sla_breach").doesNotContain("ticket_id");
        assertThat(task.getInputs().get("topics")).contains("sla_breach").contains("meaning_missing");
        TaskFinished done = WorkerStandIn.finished(task, TaskOutcome.COMPLETED, """
                {"questions": [{"field_name": "sla_breach", "question": "What does sla_breach record?",
                  "why_it_matters": "SLA reports count breaches from it", "current_guess": "Whether the SLA was missed",
                  "priority": 75, "options": [
                    {"label": "SLA missed", "value": "Whether the ticket missed its SLA deadline", "is_recommended": true},
                    {"label": "SLA at risk", "value": "Whether the ticket is close to its SLA deadline",
                     "is_recommended": false}]}]}""", null);
        WorkerStandIn.send(done);
        WorkerStandIn.send(done); // redelivered
        await("the questions land").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "completed".equals(OWNER.get(id).getString("ai_requests[0].status")));
        WorkerStandIn.awaitAiGroupPast(WorkerStandIn.send(done));
        JsonPath s = OWNER.get(id);
        // (the dataset lacks a description, so readiness stays at review_ready: its finding comes first)
        assertThat(s.getString("clarification.status")).isEqualTo("active");
        assertThat(s.getString("clarification.questions[0].question_text")).isEqualTo("What does sla_breach record?");
        assertThat(s.getString("clarification.questions[0].why_it_matters")).isEqualTo("SLA reports count breaches from it");
        assertThat(s.getString("clarification.questions[0].current_guess")).isEqualTo("Whether the SLA was missed");
        assertThat(s.getInt("clarification.questions[0].priority")).isEqualTo(75);
        assertThat(s.getList("clarification.questions[0].options.is_recommended")).containsExactly(true, false);
        List<String> types = OWNER.request().get("/review-sessions/{id}/events", id).jsonPath().getList("type");
        assertThat(types.stream().filter("clarification_started"::equals)).hasSize(1);

        String q = s.getString("clarification.current_question_id");
        s = OWNER.request().body(Map.of("answer_kind", "selected", "answer_value",
                "Whether the ticket missed its SLA deadline"))
                .post("/review-sessions/{id}/clarification/questions/{q}/answer", id, q).then().statusCode(200)
                .extract().jsonPath();
        assertThat(s.getString("fields.find { it.field_name == 'sla_breach' }.verbose_name"))
                .isEqualTo("Whether the ticket missed its SLA deadline");
        assertThat(s.getString("clarification.status")).isEqualTo("completed");
    }

    @Test
    void questionsBreakingTheRulesFailTheRequestAndTheRulesWordThem() {
        String id = OWNER.created(DATASET).getString("session_id");
        String taskId = OWNER.request().body(Map.of("process_name", "clarification_questions"))
                .post("/review-sessions/{id}/ai-requests", id).then().statusCode(202).extract().path("active_task_id");
        // past the worker's schema check (a model endpoint with another validator), two options recommended
        WorkerStandIn.send(WorkerStandIn.finished(WorkerStandIn.awaitTask(taskId), TaskOutcome.COMPLETED, """
                {"questions": [{"field_name": "sla_breach", "question": "What is sla_breach?", "why_it_matters": "Reports",
                  "current_guess": null, "priority": 50, "options": [{"label": "a", "value": "a", "is_recommended": true},
                  {"label": "b", "value": "b", "is_recommended": true}]}]}""", null));
        await("the refusal lands").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "failed".equals(OWNER.get(id).getString("ai_requests[0].status")));
        JsonPath s = OWNER.get(id);
        assertThat(s.getString("ai_requests[0].error")).contains("exactly one must be");
        assertThat(s.getString("findings.find { it.code == 'ai_request_failed' }.severity")).isEqualTo("informational");
        assertThat(s.getString("clarification.questions[0].question_text")).isEqualTo("What does sla_breach mean?");
        assertThat(s.getString("clarification.status")).isEqualTo("active");
    }

    @Test
    void aRankingOrdersCandidatesWithinTheirTier() {
        String id = OWNER.created(DATASET).getString("session_id");
        for (String description : List.of("Whether the ticket missed its deadline", "Breach of contract flag")) {
            OWNER.request().body(Map.of("source_type", "uploaded_file", "format", "csv", "content",
                    "field_name,verbose_name,description\nsla_breach,SLA breach," + description + "\n"))
                    .post("/review-sessions/{id}/semantic-sources", id).then().statusCode(200);
        }
        JsonPath s = OWNER.get(id);
        List<String> ids = s.getList("fields.find { it.field_name == 'sla_breach' }.candidates.candidate_id");
        assertThat(ids).hasSize(2);
        String taskId = OWNER.request().body(Map.of("process_name", "candidate_ranking"))
                .post("/review-sessions/{id}/ai-requests", id).then().statusCode(202).extract().path("active_task_id");
        TaskIssued task = WorkerStandIn.awaitTask(taskId);
        assertThat(task.getInputs().get("fields")).contains(ids.get(0)).contains(ids.get(1))
                .contains("Breach of contract flag");
        // the second candidate fits better: it moves first within the exact tier
        WorkerStandIn.send(WorkerStandIn.finished(task, TaskOutcome.COMPLETED, "{\"fields\": [{\"field_name\": "
                + "\"sla_breach\", \"ranking\": [{\"candidate_id\": \"" + ids.get(1) + "\", \"similarity\": 0.8, "
                + "\"confidence\": 0.8}, {\"candidate_id\": \"" + ids.get(0) + "\", \"similarity\": 0.2, "
                + "\"confidence\": 0.2}]}]}", null));
        await("the ranking lands").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "completed".equals(OWNER.get(id).getString("ai_requests[0].status")));
        s = OWNER.get(id);
        assertThat(s.getList("fields.find { it.field_name == 'sla_breach' }.candidates.candidate_id", String.class))
                .containsExactly(ids.get(1), ids.get(0));
        assertThat(s.getDouble("fields.find { it.field_name == 'sla_breach' }.candidates[0].similarity_score"))
                .isEqualTo(0.8);
        assertThat(s.getDouble("fields.find { it.field_name == 'sla_breach' }.candidates[0].confidence_score"))
                .as("the tier's confidence stays").isEqualTo(1.0);
    }
}
