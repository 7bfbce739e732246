package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.review.ai.AiAnswer;
import dev.conveyor.review.ai.AiAnswerHandler;
import dev.conveyor.review.sessions.AiRequest;
import dev.conveyor.review.sessions.BusinessSummarySource;
import dev.conveyor.review.sessions.CandidateMatchType;
import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.ClarificationPlanner;
import dev.conveyor.review.sessions.ClarificationSession;
import dev.conveyor.review.sessions.ClarificationStatus;
import dev.conveyor.review.sessions.DatasetProfile;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.SemanticEnrichment;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SemanticSource;
import dev.conveyor.review.sessions.SemanticSourceStatus;
import dev.conveyor.review.sessions.SemanticSourceType;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.TrustLevel;
import dev.conveyor.schemas.TaskOrigins;

/**
 * Applies the workers' answers to the session that asked, once: an answer whose request is no
 * longer {@code requested} is a redelivery and changes nothing. A summary draft becomes the
 * profile's {@code ai_draft} unless a person's summary is locked; field proposals become an
 * {@code ai_generated} source whose {@code generated} candidates are applied to unlocked fields
 * with {@code needs_review}; clarification questions, checked against the seed's rules, start a
 * clarification; a ranking annotates and orders the candidates within their tiers. A failure (e.g.
 * no model endpoint in offline mode) is recorded on the request and raised as an informational
 * finding; a failed clarification request falls back to the questions the rules word.
 */
@ApplicationScoped
public class SessionAiAnswers implements AiAnswerHandler {

    private static final Logger LOG = Logger.getLogger(SessionAiAnswers.class);

    private final SessionCommandRunner runner;

    public SessionAiAnswers(SessionCommandRunner runner) {
        this.runner = runner;
    }

    @Override
    public String origin() {
        return TaskOrigins.REVIEW_SESSION;
    }

    @Override
    public void apply(AiAnswer answer) {
        try {
            runner.runAsSystem(answer.aggregateId(), "agent", s -> decide(s, answer));
        } catch (RuntimeException e) {
            // an answer we cannot apply must not stop the results channel; the request stays visible
            LOG.warnf("AI answer %s for session %s not applied: %s", answer.taskId(), answer.aggregateId(),
                    e.getMessage());
        }
    }

    static List<Change> decide(DatasetReviewSession s, AiAnswer answer) {
        AiRequest request = s.aiRequests.stream().filter(r -> r.requestId.equals(answer.requestId())).findFirst()
                .orElse(null);
        if (request == null || !"requested".equals(request.status)) {
            return List.of();
        }
        if (!answer.completed()) {
            return failed(s, answer.requestId(), answer.error() == null ? answer.outcome().toString() : answer.error());
        }
        JsonNode output = SessionJson.parse(answer.output(), JsonNode.class);
        Instant now = SessionClock.now();
        List<Change> out = new ArrayList<>();
        if (SessionAiService.BUSINESS_SUMMARY.equals(request.processName) && s.profile != null
                && !s.profile.manualSummaryLocked) {
            DatasetProfile p = Change.copy(s.profile);
            p.businessSummary = output.path("business_summary").asText();
            p.businessSummarySource = BusinessSummarySource.AI_DRAFT;
            p.updatedAt = now;
            out.add(Change.of(SessionEventType.PROFILE_UPDATED, "profile", p));
        } else if (SessionAiService.FIELD_PROPOSALS.equals(request.processName)) {
            out.addAll(proposals(s, request, output, now));
        } else if (SessionAiService.CLARIFICATION_QUESTIONS.equals(request.processName)) {
            if (clarificationUnderWay(s)) {
                return failed(s, request.requestId, "a clarification was started meanwhile; these questions are not used");
            }
            ClarificationSession c;
            try {
                c = ClarificationPlanner.fromModel(s, output, now);
            } catch (IllegalArgumentException e) {
                return failed(s, request.requestId, "the questions break the clarification rules: " + e.getMessage());
            }
            out.add(Change.of(SessionEventType.CLARIFICATION_STARTED, "clarification", c));
        } else if (SessionAiService.CANDIDATE_RANKING.equals(request.processName)) {
            out.addAll(ranking(s, output, now));
        }
        AiRequest done = Change.copy(request);
        done.status = "completed";
        done.finishedAt = now;
        out.add(Change.of(SessionEventType.AI_ANSWERED, "request", done));
        return out;
    }

    static List<Change> proposals(DatasetReviewSession s, AiRequest request, JsonNode output, Instant now) {
        SemanticSource src = new SemanticSource();
        src.sourceId = UUID.nameUUIDFromBytes(("ai-source:" + request.requestId).getBytes()).toString();
        src.sessionId = s.sessionId;
        src.sourceType = SemanticSourceType.AI_GENERATED;
        src.sourceRef = "llm-task:" + request.taskId;
        src.sourceVersion = request.requestId;
        src.displayName = "AI field proposals";
        src.trustLevel = TrustLevel.GENERATED;
        src.createdAt = now;
        Map<String, SemanticFieldEntry> byName = s.fields.stream()
                .collect(Collectors.toMap(f -> f.fieldName, Function.identity(), (a, b) -> a));
        List<SemanticFieldEntry> changed = new ArrayList<>();
        int kept = 0;
        for (JsonNode p : output.path("fields")) {
            SemanticFieldEntry field = byName.get(p.path("field_name").asText());
            if (field == null) {
                continue; // the model named a field the dataset does not have
            }
            SemanticFieldEntry f = Change.copy(field);
            SemanticEnrichment.record(f, SemanticEnrichment.candidate(f, src.sourceId, CandidateMatchType.GENERATED,
                    // generated values rank last whatever the model's self-assessment
                    0.6 * p.path("confidence").asDouble(0.5), new SemanticEnrichment.Entry(f.fieldName,
                            p.path("verbose_name").asText(null), p.path("description").asText(null), null), now), now);
            if (!SemanticEnrichment.applyBest(f, src.sourceId, now)) {
                kept++;
            }
            changed.add(f);
        }
        src.status = changed.isEmpty() ? SemanticSourceStatus.FAILED
                : kept > 0 ? SemanticSourceStatus.PARTIAL : SemanticSourceStatus.APPLIED;
        src.schemaOverlapScore = s.fields.isEmpty() ? 0.0 : Math.round(1000.0 * changed.size() / s.fields.size())
                / 1000.0;
        return List.of(Change.of(SessionEventType.SEMANTIC_SOURCE_ADDED, "source", src),
                Change.of(SessionEventType.FIELDS_UPDATED, "fields", changed));
    }

    /** The ranking's similarity and confidence on each candidate it names; candidates move within their tier. */
    static List<Change> ranking(DatasetReviewSession s, JsonNode output, Instant now) {
        Map<String, SemanticFieldEntry> byName = s.fields.stream()
                .collect(Collectors.toMap(f -> f.fieldName, Function.identity(), (a, b) -> a));
        List<SemanticFieldEntry> changed = new ArrayList<>();
        for (JsonNode ranked : output.path("fields")) {
            SemanticFieldEntry field = byName.get(ranked.path("field_name").asText());
            if (field == null) {
                continue; // the model named a field the dataset does not have
            }
            Map<String, double[]> scores = new java.util.HashMap<>();
            for (JsonNode r : ranked.path("ranking")) {
                scores.put(r.path("candidate_id").asText(), new double[] {
                        clamp(r.path("similarity").asDouble()), clamp(r.path("confidence").asDouble())});
            }
            SemanticFieldEntry f = Change.copy(field);
            if (SemanticEnrichment.annotate(f, scores, now)) {
                changed.add(f);
            }
        }
        return changed.isEmpty() ? List.of() : List.of(Change.of(SessionEventType.FIELDS_UPDATED, "fields", changed));
    }

    private static double clamp(double v) {
        return Math.max(0.0, Math.min(1.0, v));
    }

    static boolean clarificationUnderWay(DatasetReviewSession s) {
        return s.clarification != null && s.clarification.status == ClarificationStatus.ACTIVE
                && s.clarification.currentQuestionId != null;
    }

    static List<Change> failed(DatasetReviewSession s, String requestId, String error) {
        AiRequest request = s.aiRequests.stream().filter(r -> r.requestId.equals(requestId)).findFirst().orElse(null);
        if (request == null || !"requested".equals(request.status)) {
            return List.of();
        }
        Instant now = SessionClock.now();
        AiRequest done = Change.copy(request);
        done.status = "failed";
        done.error = error;
        done.finishedAt = now;
        List<Change> out = new ArrayList<>();
        out.add(Change.of(SessionEventType.AI_ANSWERED, "request", done));
        out.add(Change.of(SessionEventType.FINDING_RAISED, "finding", DatasetIntakeMapper.finding(s.sessionId,
                FindingArea.AUDIT, FindingSeverity.INFORMATIONAL, "ai_request_failed",
                "The AI could not answer (" + request.processName + ")", error, request.requestId, now)));
        if (SessionAiService.CLARIFICATION_QUESTIONS.equals(request.processName) && !clarificationUnderWay(s)) {
            // no model answered (offline the worker says that a model endpoint is needed): the person still
            // gets the questions the rules word, so that the session can move on
            ClarificationSession c = ClarificationPlanner.plan(s, now);
            if (!c.questions.isEmpty()) {
                out.add(Change.of(SessionEventType.CLARIFICATION_STARTED, "clarification", c));
            }
        }
        return out;
    }
}
