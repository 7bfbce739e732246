package dev.conveyor.review.sessions.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.review.ai.AiTaskIds;
import dev.conveyor.review.ai.AiTaskPublisher;
import dev.conveyor.review.ai.AiTaskRequest;
import dev.conveyor.review.sessions.AiRequest;
import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.ClarificationPlanner;
import dev.conveyor.review.sessions.ClarificationStatus;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;
import dev.conveyor.schemas.TaskOrigins;

/**
 * Asks the LLM workers for a business summary draft, field proposals, clarification questions or
 * a ranking of the candidates: the request is recorded in the session first ({@code ai_requested}),
 * then published as an extract task with the answer's JSON Schema, so it runs under the workers'
 * rate gate, retries, budgets and metering. {@link SessionAiAnswers} applies what comes back.
 */
@ApplicationScoped
public class SessionAiService {

    public static final String BUSINESS_SUMMARY = "business_summary";
    public static final String FIELD_PROPOSALS = "field_proposals";
    public static final String CLARIFICATION_QUESTIONS = "clarification_questions";
    public static final String CANDIDATE_RANKING = "candidate_ranking";
    static final java.util.Set<String> PROCESSES = java.util.Set.of(BUSINESS_SUMMARY, FIELD_PROPOSALS,
            CLARIFICATION_QUESTIONS, CANDIDATE_RANKING);
    /** Fields per proposal request: one answer stays well inside a model's output limit. */
    static final int MAX_FIELDS = 60;

    static final String SUMMARY_SCHEMA = """
            {"type":"object","additionalProperties":false,"required":["business_summary"],
             "properties":{"business_summary":{"type":"string","minLength":20,"maxLength":1200}}}""";

    static final String PROPOSALS_SCHEMA = """
            {"type":"object","additionalProperties":false,"required":["fields"],
             "properties":{"fields":{"type":"array","items":{"type":"object","additionalProperties":false,
               "required":["field_name","verbose_name","description","confidence"],
               "properties":{"field_name":{"type":"string"},"verbose_name":{"type":"string","minLength":1},
                 "description":{"type":"string","minLength":1},
                 "confidence":{"type":"number","minimum":0,"maximum":1}}}}}}""";

    static final String SYSTEM_PROMPT = """
            You document datasets of an Apache Superset installation for business users. Use only what the
            given metadata says or strongly implies; never invent sources, owners or numbers. Answer with JSON
            that satisfies the given schema and nothing else.""";

    private final SessionCommandRunner runner;
    private final AiTaskPublisher publisher;

    public SessionAiService(SessionCommandRunner runner, AiTaskPublisher publisher) {
        this.runner = runner;
        this.publisher = publisher;
    }

    public DatasetReviewSession request(String sessionId, String user, Long ifMatch, String processName) {
        if (!PROCESSES.contains(processName)) {
            throw SessionProblems.badRequest("process_name",
                    "must be business_summary, field_proposals, clarification_questions or candidate_ranking");
        }
        String requestId = UUID.randomUUID().toString();
        AiTaskRequest[] task = new AiTaskRequest[1];
        DatasetReviewSession s = runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), x -> {
            if (x.profile == null) {
                throw SessionProblems.conflict("profile", "nothing imported yet: import from Superset first");
            }
            task[0] = switch (processName) {
                case BUSINESS_SUMMARY -> {
                    if (x.profile.manualSummaryLocked) {
                        throw SessionProblems.conflict("manual_summary_locked",
                                "the summary was written by a person and is locked against drafts");
                    }
                    yield taskFor(x, requestId, processName, openFields(x));
                }
                case FIELD_PROPOSALS -> {
                    List<SemanticFieldEntry> open = openFields(x);
                    if (open.isEmpty()) {
                        throw SessionProblems.conflict("fields", "every field has its meaning or is locked");
                    }
                    yield taskFor(x, requestId, processName, open);
                }
                case CLARIFICATION_QUESTIONS -> {
                    if (x.clarification != null && x.clarification.status == ClarificationStatus.ACTIVE
                            && x.clarification.currentQuestionId != null) {
                        throw SessionProblems.conflict("clarification", "a clarification is already under way");
                    }
                    List<ClarificationPlanner.Topic> topics = SessionAiTasks.clarificationTopics(x);
                    if (topics.isEmpty()) {
                        throw SessionProblems.conflict("clarification", "nothing to clarify: no open field questions");
                    }
                    yield SessionAiTasks.clarificationQuestions(x, requestId, topics);
                }
                default -> {
                    List<SemanticFieldEntry> ranked = SessionAiTasks.rankable(x);
                    if (ranked.isEmpty()) {
                        throw SessionProblems.conflict("fields", "no field has candidates to rank");
                    }
                    yield SessionAiTasks.candidateRanking(x, requestId, ranked);
                }
            };
            AiRequest r = new AiRequest();
            r.requestId = requestId;
            r.taskId = AiTaskIds.taskId(TaskOrigins.REVIEW_SESSION, requestId);
            r.processName = processName;
            r.status = "requested";
            r.requestedBy = user;
            r.requestedAt = SessionClock.now();
            return List.of(Change.of(SessionEventType.AI_REQUESTED, "request", r));
        });
        try {
            publisher.publish(task[0]);
        } catch (RuntimeException e) {
            // recorded but never sent: close the request so that it can be asked again
            return runner.runAsSystem(sessionId, "system", x -> SessionAiAnswers.failed(x, requestId,
                    "the task could not be published: " + e.getMessage()));
        }
        return s;
    }

    static List<SemanticFieldEntry> openFields(DatasetReviewSession s) {
        return s.fields.stream().filter(f -> !f.isLocked && f.isIncomplete()).limit(MAX_FIELDS).toList();
    }

    static AiTaskRequest taskFor(DatasetReviewSession s, String requestId, String processName,
            List<SemanticFieldEntry> open) {
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("dataset_name", s.profile.datasetName);
        dataset.put("schema_name", s.profile.schemaName);
        dataset.put("database_name", s.profile.databaseName);
        dataset.put("dataset_type", s.profile.datasetType);
        dataset.put("description", s.profile.description);
        dataset.put("sql", s.profile.sql);
        List<Map<String, Object>> fields = new ArrayList<>();
        for (SemanticFieldEntry f : BUSINESS_SUMMARY.equals(processName) ? s.fields : open) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field_name", f.fieldName);
            m.put("field_kind", f.fieldKind);
            m.put("verbose_name", f.verboseName);
            m.put("description", f.description);
            fields.add(m);
        }
        String template = BUSINESS_SUMMARY.equals(processName)
                ? "Write a business summary (2 to 5 sentences) of this dataset: what one row is, what it is for.\n"
                        + "Dataset: {{dataset}}\nFields: {{fields}}"
                : "Propose a verbose_name and a description for each of these fields, with your confidence (0-1).\n"
                        + "Dataset: {{dataset}}\nFields to document: {{fields}}";
        return new AiTaskRequest(TaskOrigins.REVIEW_SESSION, requestId, s.sessionId, s.sessionId, processName,
                SYSTEM_PROMPT, template, Map.of("dataset", SessionJson.write(dataset), "fields",
                        SessionJson.write(fields)),
                BUSINESS_SUMMARY.equals(processName) ? SUMMARY_SCHEMA : PROPOSALS_SCHEMA);
    }
}
