package dev.conveyor.review.sessions.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.ai.AiTaskRequest;
import dev.conveyor.review.sessions.CandidateStatus;
import dev.conveyor.review.sessions.ClarificationPlanner;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SemanticCandidate;
import dev.conveyor.review.sessions.SemanticEnrichment;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.schemas.TaskOrigins;

/**
 * The clarification-questions and candidate-ranking tasks of a session: what is sent (the inputs)
 * and the JSON Schema the answer must satisfy, so that the worker re-asks the model until it does.
 * Pure.
 */
final class SessionAiTasks {

    /** Questions per request: one answer stays well inside a model's output limit, and a person answers them in a sitting. */
    static final int MAX_QUESTIONS = 20;
    /** Candidates per field sent for ranking. */
    static final int MAX_CANDIDATES = 12;

    static final String QUESTIONS_PROMPT = """
            Write one clarification question for each topic below, for the person reviewing this dataset. A topic is
            a field whose meaning is unresolved: `conflict` (sources disagree), `needs_review` (an inferred or
            generated meaning to confirm) or `meaning_missing`. For each question give why_it_matters (what goes
            wrong if it stays unresolved), current_guess (the best meaning known now, or null), a priority from 1 to
            100 (start from suggested_priority; higher is asked first) and 1 to 6 options, exactly one with
            is_recommended true. To offer a candidate, use its candidate_id as the option's value; for a
            needs_review topic, the values "confirm" and "reject" keep or drop the current meaning; any other value
            is the meaning itself.
            Dataset: {{dataset}}
            Topics: {{topics}}""";

    static final String RANKING_PROMPT = """
            For each field, rank its candidate meanings by how well they fit the field (its name, verbose name and
            description): similarity from 0 to 1, and confidence, the candidate's share of the field's similarities
            (they sum to 1). List every candidate, best first.
            Fields: {{fields}}""";

    static final String RANKING_SCHEMA = """
            {"type":"object","additionalProperties":false,"required":["fields"],
             "properties":{"fields":{"type":"array","items":{"type":"object","additionalProperties":false,
               "required":["field_name","ranking"],
               "properties":{"field_name":{"type":"string"},"ranking":{"type":"array","items":{"type":"object",
                 "additionalProperties":false,"required":["candidate_id","similarity","confidence"],
                 "properties":{"candidate_id":{"type":"string"},"similarity":{"type":"number","minimum":0,"maximum":1},
                   "confidence":{"type":"number","minimum":0,"maximum":1}}}}}}}}}""";

    private SessionAiTasks() {
    }

    static List<ClarificationPlanner.Topic> clarificationTopics(DatasetReviewSession s) {
        List<ClarificationPlanner.Topic> topics = new ArrayList<>(ClarificationPlanner.topics(s));
        topics.sort((a, b) -> Integer.compare(b.priority(), a.priority()));
        return topics.size() > MAX_QUESTIONS ? topics.subList(0, MAX_QUESTIONS) : topics;
    }

    static AiTaskRequest clarificationQuestions(DatasetReviewSession s, String requestId,
            List<ClarificationPlanner.Topic> topics) {
        List<Map<String, Object>> sent = new ArrayList<>();
        for (ClarificationPlanner.Topic t : topics) {
            SemanticFieldEntry f = t.field();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field_name", f.fieldName);
            m.put("field_kind", f.fieldKind);
            m.put("reason", t.reason().wire());
            m.put("suggested_priority", t.priority());
            m.put("verbose_name", f.verboseName);
            m.put("description", f.description);
            m.put("finding", t.finding() == null ? null : t.finding().title);
            List<Map<String, Object>> candidates = new ArrayList<>();
            for (SemanticCandidate c : live(f)) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("candidate_id", c.candidateId);
                cm.put("match_type", c.matchType);
                cm.put("text", SemanticEnrichment.candidateText(c));
                candidates.add(cm);
            }
            m.put("candidates", candidates);
            sent.add(m);
        }
        return new AiTaskRequest(TaskOrigins.REVIEW_SESSION, requestId, s.sessionId, s.sessionId,
                SessionAiService.CLARIFICATION_QUESTIONS, SessionAiService.SYSTEM_PROMPT, QUESTIONS_PROMPT,
                Map.of("dataset", SessionJson.write(dataset(s)), "topics", SessionJson.write(sent)),
                questionsSchema(topics));
    }

    /**
     * The questions' schema: the seed's ClarificationQuestion and ClarificationOption fields, the
     * field names limited to the topics, and exactly one recommended option (JSON Schema 2020-12
     * {@code contains} with {@code minContains}/{@code maxContains}).
     */
    static String questionsSchema(List<ClarificationPlanner.Topic> topics) {
        JsonNodeFactory n = JsonNodeFactory.instance;
        ObjectNode option = n.objectNode().put("type", "object").put("additionalProperties", false);
        option.putArray("required").add("label").add("value").add("is_recommended");
        ObjectNode op = option.putObject("properties");
        op.putObject("label").put("type", "string").put("minLength", 1).put("maxLength", 300);
        op.putObject("value").put("type", "string").put("minLength", 1).put("maxLength", 1000);
        op.putObject("is_recommended").put("type", "boolean");
        ObjectNode question = n.objectNode().put("type", "object").put("additionalProperties", false);
        question.putArray("required").add("field_name").add("question").add("why_it_matters").add("current_guess")
                .add("priority").add("options");
        ObjectNode qp = question.putObject("properties");
        ArrayNode names = qp.putObject("field_name").putArray("enum");
        topics.forEach(t -> names.add(t.field().fieldName));
        qp.putObject("question").put("type", "string").put("minLength", 5).put("maxLength", 500);
        qp.putObject("why_it_matters").put("type", "string").put("minLength", 5).put("maxLength", 1000);
        qp.putObject("current_guess").put("maxLength", 500).putArray("type").add("string").add("null");
        qp.putObject("priority").put("type", "integer").put("minimum", 1).put("maximum", 100);
        ObjectNode options = qp.putObject("options").put("type", "array").put("minItems", 1).put("maxItems", 6);
        options.set("items", option);
        options.putObject("contains").putObject("properties").putObject("is_recommended").put("const", true);
        options.put("minContains", 1).put("maxContains", 1);
        ObjectNode root = n.objectNode().put("type", "object").put("additionalProperties", false);
        root.putArray("required").add("questions");
        ObjectNode questions = root.putObject("properties").putObject("questions").put("type", "array")
                .put("minItems", 1).put("maxItems", topics.size());
        questions.set("items", question);
        return root.toString();
    }

    /** Fields with live candidates: what a ranking can order. */
    static List<SemanticFieldEntry> rankable(DatasetReviewSession s) {
        return s.fields.stream().filter(f -> !live(f).isEmpty()).limit(SessionAiService.MAX_FIELDS).toList();
    }

    static AiTaskRequest candidateRanking(DatasetReviewSession s, String requestId, List<SemanticFieldEntry> fields) {
        List<Map<String, Object>> sent = new ArrayList<>();
        for (SemanticFieldEntry f : fields) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("field_name", f.fieldName);
            m.put("verbose_name", f.verboseName);
            m.put("description", f.description);
            List<Map<String, Object>> candidates = new ArrayList<>();
            for (SemanticCandidate c : live(f)) {
                candidates.add(Map.of("candidate_id", c.candidateId, "text", SemanticEnrichment.candidateText(c)));
            }
            m.put("candidates", candidates);
            sent.add(m);
        }
        return new AiTaskRequest(TaskOrigins.REVIEW_SESSION, requestId, s.sessionId, s.sessionId,
                SessionAiService.CANDIDATE_RANKING, SessionAiService.SYSTEM_PROMPT, RANKING_PROMPT,
                Map.of("fields", SessionJson.write(sent)), RANKING_SCHEMA);
    }

    static List<SemanticCandidate> live(SemanticFieldEntry f) {
        return f.candidates.stream()
                .filter(c -> c.status == CandidateStatus.PROPOSED || c.status == CandidateStatus.ACCEPTED)
                .filter(c -> !SemanticEnrichment.candidateText(c).isBlank())
                .limit(MAX_CANDIDATES).toList();
    }

    static Map<String, Object> dataset(DatasetReviewSession s) {
        Map<String, Object> dataset = new LinkedHashMap<>();
        dataset.put("dataset_name", s.profile.datasetName);
        dataset.put("schema_name", s.profile.schemaName);
        dataset.put("database_name", s.profile.databaseName);
        dataset.put("description", s.profile.description);
        dataset.put("business_summary", s.profile.businessSummary);
        return dataset;
    }
}
