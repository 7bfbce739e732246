package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Finds what is worth a clarification question, takes the LLM's questions about it (or words
 * them by rule when no model answered), and works out what an answer changes.
 * Pure: the service persists the answer first and applies these consequences after it (the
 * clarification persistence invariant), so a crash in between is finished on resume.
 */
public final class ClarificationPlanner {

    public static final String CONFIRM = "confirm";
    public static final String REJECT = "reject";

    private ClarificationPlanner() {
    }

    /** Why a field is worth a question. */
    public enum Reason {
        CONFLICT, NEEDS_REVIEW, MEANING_MISSING;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * What is unresolved and worth asking about, with the priority the rules give it: a conflict
     * (80), a value to confirm (60), a missing meaning (50 for columns, 40 for metrics, 100 when its
     * finding is blocking). The same topics go to the LLM, which words the questions.
     */
    public record Topic(SemanticFieldEntry field, Reason reason, int priority, ValidationFinding finding) {
    }

    public static List<Topic> topics(DatasetReviewSession s) {
        List<Topic> out = new ArrayList<>();
        for (SemanticFieldEntry f : s.fields) {
            if (f.isLocked) {
                continue;
            }
            Optional<ValidationFinding> finding = openFindingFor(s, f.fieldId);
            if (f.hasConflict) {
                out.add(new Topic(f, Reason.CONFLICT, 80, finding.orElse(null)));
            } else if (f.needsReview) {
                out.add(new Topic(f, Reason.NEEDS_REVIEW, 60, finding.orElse(null)));
            } else if (finding.isPresent()) {
                int priority = finding.get().severity == FindingSeverity.BLOCKING ? 100
                        : f.fieldKind == FieldKind.METRIC ? 40 : 50;
                out.add(new Topic(f, Reason.MEANING_MISSING, priority, finding.get()));
            }
        }
        return out;
    }

    /**
     * The questions the rules word themselves (no model): what a session gets when the LLM could
     * not be asked or did not answer validly (offline, the worker says that a model endpoint is needed).
     */
    public static ClarificationSession plan(DatasetReviewSession s, Instant now) {
        ClarificationSession c = newSession(s, now);
        for (Topic t : topics(s)) {
            SemanticFieldEntry f = t.field();
            switch (t.reason()) {
                case CONFLICT -> c.questions.add(question(c, f, t.priority(), "Which meaning of " + f.fieldName
                        + " is right?", "Sources disagree on " + f.fieldName
                                + "; reports built on it would say different things.", now));
                case NEEDS_REVIEW -> {
                    ClarificationQuestion q = question(c, f, t.priority(), "Is \"" + describe(f) + "\" the meaning of "
                            + f.fieldName + "?", "This meaning was inferred from a similar name or generated, not "
                                    + "taken from a trusted source.", now);
                    q.options.clear();
                    q.options.add(option(q, "Yes, keep it", CONFIRM, true, 1));
                    q.options.add(option(q, "No, it means something else", REJECT, false, 2));
                    c.questions.add(q);
                }
                case MEANING_MISSING -> c.questions.add(question(c, f, t.priority(), "What does " + f.fieldName
                        + " mean?", "Without a documented meaning, " + f.fieldName + " is shown by its physical name "
                                + "and nobody can check that it is used correctly.", now));
            }
        }
        return ordered(c);
    }

    /**
     * The questions the LLM wrote for the topics ({@code {"questions": [{"field_name", "question",
     * "why_it_matters", "current_guess", "priority", "options": [{"label", "value",
     * "is_recommended"}]}]}}), checked against the seed's rules once more after the worker's schema
     * validation: a known topic, one question per field, a non-empty text, options with distinct
     * non-empty values and exactly one recommended. Throws {@link IllegalArgumentException} saying
     * what is wrong; nothing of an invalid answer is kept.
     */
    public static ClarificationSession fromModel(DatasetReviewSession s, JsonNode answer, Instant now) {
        java.util.Map<String, Topic> byName = new java.util.LinkedHashMap<>();
        topics(s).forEach(t -> byName.put(t.field().fieldName, t));
        ClarificationSession c = newSession(s, now);
        java.util.Set<String> asked = new java.util.HashSet<>();
        JsonNode questions = answer == null ? null : answer.get("questions");
        if (questions == null || !questions.isArray() || questions.isEmpty()) {
            throw new IllegalArgumentException("the answer has no questions");
        }
        for (JsonNode node : questions) {
            String name = node.path("field_name").asText("");
            Topic topic = byName.get(name);
            if (topic == null) {
                throw new IllegalArgumentException("a question is about '" + name + "', which is not an open topic");
            }
            if (!asked.add(name)) {
                throw new IllegalArgumentException("two questions about " + name);
            }
            String text = node.path("question").asText("").strip();
            String why = node.path("why_it_matters").asText("").strip();
            int priority = node.path("priority").asInt(0);
            if (text.isEmpty() || why.isEmpty()) {
                throw new IllegalArgumentException("the question about " + name + " lacks its text or why_it_matters");
            }
            if (priority < 1 || priority > 100) {
                throw new IllegalArgumentException("the priority of the question about " + name + " is not 1 to 100");
            }
            ClarificationQuestion q = new ClarificationQuestion();
            q.questionId = UUID.randomUUID().toString();
            q.clarificationSessionId = c.clarificationSessionId;
            q.topicRef = topic.field().fieldId;
            q.questionText = text;
            q.whyItMatters = why;
            q.currentGuess = node.path("current_guess").isTextual() && !node.path("current_guess").asText().isBlank()
                    ? node.path("current_guess").asText().strip() : null;
            q.priority = priority;
            q.state = QuestionState.OPEN;
            q.createdAt = now;
            q.updatedAt = now;
            java.util.Set<String> values = new java.util.HashSet<>();
            int recommended = 0;
            int order = 1;
            for (JsonNode o : node.path("options")) {
                String label = o.path("label").asText("").strip();
                String value = o.path("value").asText("").strip();
                if (label.isEmpty() || value.isEmpty() || !values.add(value)) {
                    throw new IllegalArgumentException("the options about " + name
                            + " need a label and a distinct non-empty value each");
                }
                boolean isRecommended = o.path("is_recommended").asBoolean(false);
                recommended += isRecommended ? 1 : 0;
                q.options.add(option(q, label, value, isRecommended, order++));
            }
            if (q.options.isEmpty() || recommended != 1) {
                throw new IllegalArgumentException("the question about " + name + " has " + recommended
                        + " recommended options among " + q.options.size() + "; exactly one must be");
            }
            c.questions.add(q);
        }
        return ordered(c);
    }

    private static ClarificationSession newSession(DatasetReviewSession s, Instant now) {
        ClarificationSession c = new ClarificationSession();
        c.clarificationSessionId = UUID.randomUUID().toString();
        c.sessionId = s.sessionId;
        c.status = ClarificationStatus.ACTIVE;
        c.startedAt = now;
        c.updatedAt = now;
        return c;
    }

    private static ClarificationSession ordered(ClarificationSession c) {
        c.questions.sort(Comparator.comparingInt((ClarificationQuestion q) -> -q.priority)
                .thenComparing(q -> q.createdAt));
        c.remainingCount = c.questions.size();
        c.currentQuestionId = c.questions.isEmpty() ? null : c.questions.get(0).questionId;
        return c;
    }

    private static ClarificationQuestion question(ClarificationSession c, SemanticFieldEntry f, int priority,
            String text, String why, Instant now) {
        ClarificationQuestion q = new ClarificationQuestion();
        q.questionId = UUID.randomUUID().toString();
        q.clarificationSessionId = c.clarificationSessionId;
        q.topicRef = f.fieldId;
        q.questionText = text;
        q.whyItMatters = why;
        q.priority = priority;
        q.state = QuestionState.OPEN;
        q.createdAt = now;
        q.updatedAt = now;
        List<SemanticCandidate> live = f.candidates.stream()
                .filter(x -> x.status == CandidateStatus.PROPOSED || x.status == CandidateStatus.ACCEPTED)
                .sorted(SemanticEnrichment.STRONGEST_FIRST).toList();
        int order = 1;
        for (SemanticCandidate cand : live) {
            String label = cand.proposedVerboseName != null ? cand.proposedVerboseName : cand.proposedDescription;
            if (cand.proposedVerboseName != null && cand.proposedDescription != null) {
                label = cand.proposedVerboseName + ": " + cand.proposedDescription;
            }
            q.options.add(option(q, label, cand.candidateId, order == 1, order));
            order++;
        }
        if (q.options.isEmpty()) {
            q.options.add(option(q, humanize(f.fieldName), humanize(f.fieldName), true, 1));
        }
        q.currentGuess = f.verboseName != null || f.description != null ? describe(f) : q.options.get(0).label;
        return q;
    }

    private static ClarificationOption option(ClarificationQuestion q, String label, String value, boolean recommended,
            int order) {
        ClarificationOption o = new ClarificationOption();
        o.optionId = UUID.randomUUID().toString();
        o.questionId = q.questionId;
        o.label = label;
        o.value = value;
        o.isRecommended = recommended;
        o.displayOrder = order;
        return o;
    }

    /** Checks an answer against the seed's rules; returns the offending field and why, or null. */
    public static String[] invalid(ClarificationQuestion q, AnswerKind kind, String value) {
        if (kind == null) {
            return new String[] {"answer_kind", "is required: selected, custom, skipped or expert_review"};
        }
        if (kind == AnswerKind.CUSTOM && (value == null || value.isBlank())) {
            return new String[] {"answer_value", "a custom answer must not be empty"};
        }
        if (kind == AnswerKind.SELECTED && q.options.stream().noneMatch(o -> o.value.equals(value))) {
            return new String[] {"answer_value", "must be the value of one of the question's options"};
        }
        return null;
    }

    public static QuestionState stateAfter(AnswerKind kind) {
        return switch (kind) {
            case SELECTED, CUSTOM -> QuestionState.ANSWERED;
            case SKIPPED -> QuestionState.SKIPPED;
            case EXPERT_REVIEW -> QuestionState.EXPERT_REVIEW;
        };
    }

    /**
     * What a recorded answer changes: the field it is about and the finding on it. Idempotent:
     * computed against the current state, so running it again after a crash changes nothing twice.
     */
    public static List<Change> consequences(DatasetReviewSession s, ClarificationQuestion q, Instant now) {
        List<Change> out = new ArrayList<>();
        ClarificationAnswer a = q.answer;
        SemanticFieldEntry field = s.fields.stream().filter(f -> f.fieldId.equals(q.topicRef)).findFirst()
                .orElse(null);
        if (field != null && (a.answerKind == AnswerKind.SELECTED || a.answerKind == AnswerKind.CUSTOM)
                && !field.isLocked) {
            SemanticFieldEntry f = Change.copy(field);
            String before = SessionJson.write(f);
            Optional<SemanticCandidate> cand = f.candidates.stream()
                    .filter(c -> c.candidateId.equals(a.answerValue)).findFirst();
            if (cand.isPresent()) {
                SemanticEnrichment.take(f, cand.get(), now);
            } else if (a.answerKind == AnswerKind.SELECTED && CONFIRM.equals(a.answerValue)) {
                f.candidates.stream().filter(c -> c.status == CandidateStatus.PROPOSED)
                        .forEach(c -> c.status = CandidateStatus.SUPERSEDED);
            } else if (a.answerKind == AnswerKind.SELECTED && REJECT.equals(a.answerValue)) {
                f.verboseName = null;
                f.description = null;
                f.provenance = FieldProvenance.UNRESOLVED;
                f.sourceId = null;
                f.confidenceRank = null;
            } else if (f.verboseName == null) {
                f.verboseName = a.answerValue.trim();
                f.provenance = FieldProvenance.MANUAL_OVERRIDE;
                f.isLocked = true;
            } else {
                f.description = a.answerValue.trim();
                f.provenance = FieldProvenance.MANUAL_OVERRIDE;
                f.isLocked = true;
            }
            f.needsReview = false;
            f.hasConflict = false;
            f.lastChangedBy = ChangedBy.USER;
            // compare without the time stamp: applying the same answer twice is no change
            f.updatedAt = field.updatedAt;
            if (!before.equals(SessionJson.write(f))) {
                f.updatedAt = now;
                out.add(Change.of(SessionEventType.FIELD_UPDATED, "field", f));
            }
        }
        Optional<ValidationFinding> finding = openFindingFor(s, q.topicRef);
        if (finding.isPresent()) {
            ValidationFinding f = Change.copy(finding.get());
            f.resolutionState = switch (a.answerKind) {
                case SELECTED, CUSTOM -> ResolutionState.RESOLVED;
                case SKIPPED -> ResolutionState.SKIPPED;
                case EXPERT_REVIEW -> ResolutionState.EXPERT_REVIEW;
            };
            f.resolutionNote = "clarification answer " + a.answerId + " (" + a.answerKind.wire() + ")";
            f.resolvedAt = now;
            out.add(Change.of(SessionEventType.FINDING_UPDATED, "finding", f));
        }
        return out;
    }

    /** The clarification after an applied answer: the answer marked applied, counts and the pointer moved on. */
    public static ClarificationSession advance(ClarificationSession current, String questionId, Instant now) {
        ClarificationSession c = Change.copy(current);
        for (ClarificationQuestion q : c.questions) {
            if (q.questionId.equals(questionId) && q.answer != null) {
                q.answer.applied = true;
                c.summaryDelta = (c.summaryDelta == null ? "" : c.summaryDelta + "\n")
                        + q.questionText + " -> " + q.answer.answerKind.wire()
                        + (q.answer.answerValue == null ? "" : ": " + q.answer.answerValue);
            }
        }
        c.resolvedCount = (int) c.questions.stream().filter(q -> q.state != QuestionState.OPEN).count();
        c.remainingCount = c.questions.size() - c.resolvedCount;
        c.currentQuestionId = c.questions.stream().filter(q -> q.state == QuestionState.OPEN)
                .map(q -> q.questionId).findFirst().orElse(null);
        if (c.currentQuestionId == null) {
            c.status = ClarificationStatus.COMPLETED;
            c.completedAt = now;
        }
        c.updatedAt = now;
        return c;
    }

    static Optional<ValidationFinding> openFindingFor(DatasetReviewSession s, String ref) {
        return s.findings.stream().filter(f -> f.isOpen() && Objects.equals(f.causedByRef, ref)
                && (f.area == FindingArea.SEMANTIC_ENRICHMENT || f.area == FindingArea.CLARIFICATION))
                .filter(f -> !FindingRules.METRIC_FORMAT_MISSING.equals(f.code)).findFirst();
    }

    static String describe(SemanticFieldEntry f) {
        return f.verboseName != null ? f.verboseName + (f.description != null ? ": " + f.description : "")
                : f.description != null ? f.description : f.fieldName;
    }

    static String humanize(String name) {
        String words = name.replaceAll("[_\\-.]+", " ").replaceAll("([a-z])([A-Z])", "$1 $2").trim()
                .toLowerCase(Locale.ROOT);
        return words.isEmpty() ? name : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }
}
