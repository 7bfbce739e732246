package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.ClarificationAnswer;
import dev.conveyor.review.sessions.ClarificationPlanner;
import dev.conveyor.review.sessions.ClarificationQuestion;
import dev.conveyor.review.sessions.ClarificationSession;
import dev.conveyor.review.sessions.ClarificationStatus;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.QuestionState;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.rest.SessionRequests;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;

/**
 * Clarification. The questions are an LLM task ({@link SessionAiService}); answers go in three
 * committed steps per answer: (1) the answer is persisted, (2) its
 * consequences (field, finding) are applied, (3) the pointer advances and the answer is marked
 * applied. A crash after (1) or (2) leaves an answer not yet applied; {@link #finishPending} (run on
 * resume and before every answer) completes it, and (2) is idempotent.
 */
@ApplicationScoped
public class ClarificationService {

    private final SessionCommandRunner runner;
    private final SessionAiService ai;
    private volatile Runnable afterAnswerRecorded = () -> {
    };

    public ClarificationService(SessionCommandRunner runner, SessionAiService ai) {
        this.runner = runner;
        this.ai = ai;
    }

    /** Fault injection for the crash test: runs between step (1) and step (2). */
    public void afterAnswerRecorded(Runnable hook) {
        this.afterAnswerRecorded = hook == null ? () -> {
        } : hook;
    }

    /**
     * Asks the LLM workers for the questions ({@code clarification_questions}); they start the
     * clarification when the answer lands. Answers {@code 409} when there is nothing to clarify or a
     * clarification is under way.
     */
    public DatasetReviewSession start(String sessionId, String user, Long ifMatch) {
        return ai.request(sessionId, user, ifMatch, SessionAiService.CLARIFICATION_QUESTIONS);
    }

    public DatasetReviewSession answer(String sessionId, String user, Long ifMatch, String questionId,
            SessionRequests.AnswerQuestion req) {
        if (req == null) {
            throw SessionProblems.badRequest("answer_kind", "is required");
        }
        finishPending(sessionId, user);
        // (1) the answer, alone in its own transaction
        runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            ClarificationQuestion q = Change.copy(question(s, questionId));
            if (s.clarification.status != ClarificationStatus.ACTIVE) {
                throw SessionProblems.conflict("clarification", "the clarification is " + s.clarification.status.wire());
            }
            if (q.state != QuestionState.OPEN || q.answer != null) {
                throw SessionProblems.conflict("question_id", "the question already has its answer (" + q.state.wire()
                        + ")");
            }
            String[] bad = ClarificationPlanner.invalid(q, req.answerKind(), req.answerValue());
            if (bad != null) {
                throw SessionProblems.badRequest(bad[0], bad[1]);
            }
            Instant now = SessionClock.now();
            ClarificationAnswer a = new ClarificationAnswer();
            a.answerId = UUID.randomUUID().toString();
            a.questionId = q.questionId;
            a.answerKind = req.answerKind();
            a.answerValue = req.answerValue() == null || req.answerValue().isBlank() ? null : req.answerValue().trim();
            a.answeredByUserId = user;
            a.createdAt = now;
            q.answer = a;
            q.state = ClarificationPlanner.stateAfter(req.answerKind());
            q.updatedAt = now;
            return List.of(Change.of(SessionEventType.CLARIFICATION_ANSWER_RECORDED, "question", q));
        });
        afterAnswerRecorded.run();
        return finishPending(sessionId, user);
    }

    /** Applies (2) and (3) for every answer persisted but not yet applied. */
    public DatasetReviewSession finishPending(String sessionId, String user) {
        DatasetReviewSession s = runner.read(sessionId, user);
        if (s.clarification == null) {
            return s;
        }
        for (ClarificationQuestion pending : s.clarification.questions) {
            if (pending.answer == null || pending.answer.applied) {
                continue;
            }
            String qid = pending.questionId;
            // (2) consequences; (3) pointer: separate commits, each safe to repeat
            runner.run(new Command(sessionId, user, Permission.READ, null, false), x -> {
                ClarificationQuestion q = question(x, qid);
                return q.answer == null || q.answer.applied ? List.of()
                        : ClarificationPlanner.consequences(x, q, SessionClock.now());
            });
            s = runner.run(new Command(sessionId, user, Permission.READ, null, false), x -> {
                ClarificationQuestion q = question(x, qid);
                if (q.answer == null || q.answer.applied) {
                    return List.of();
                }
                List<Change> out = new ArrayList<>();
                ClarificationSession next = ClarificationPlanner.advance(x.clarification, qid, SessionClock.now());
                next.questions.stream().filter(n -> n.questionId.equals(qid)).findFirst()
                        .ifPresent(n -> n.answer.impactSummary = "applied to " + q.topicRef);
                out.add(Change.of(SessionEventType.CLARIFICATION_ADVANCED, "clarification", next));
                return out;
            });
        }
        return s;
    }

    static ClarificationQuestion question(DatasetReviewSession s, String questionId) {
        if (s.clarification == null) {
            throw SessionProblems.conflict("clarification", "no clarification started");
        }
        return s.clarification.questions.stream().filter(q -> q.questionId.equals(questionId)).findFirst()
                .orElseThrow(() -> SessionProblems.notFound("question_id", "no question " + questionId));
    }
}
