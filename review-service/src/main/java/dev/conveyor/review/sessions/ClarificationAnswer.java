package dev.conveyor.review.sessions;

import java.time.Instant;

/** A person's response to one question (seed §7). */
public class ClarificationAnswer {
    public String answerId;
    public String questionId;
    public AnswerKind answerKind;
    public String answerValue;
    public String answeredByUserId;
    public String impactSummary;
    public Instant createdAt;
    /** Whether the answer's consequences (finding, profile, pointer) are applied; see the persistence invariant. */
    public boolean applied;
}
