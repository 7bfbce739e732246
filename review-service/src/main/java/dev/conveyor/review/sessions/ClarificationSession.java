package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The resumable clarification flow of a review session (seed §7). */
public class ClarificationSession {
    public String clarificationSessionId;
    public String sessionId;
    public ClarificationStatus status;
    public String currentQuestionId;
    public int resolvedCount;
    public int remainingCount;
    public String summaryDelta;
    public Instant startedAt;
    public Instant updatedAt;
    public Instant completedAt;
    /** Highest priority first. */
    public List<ClarificationQuestion> questions = new ArrayList<>();
}
