package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One focused question (seed §7), its options and at most one current answer. */
public class ClarificationQuestion {
    public String questionId;
    public String clarificationSessionId;
    public String topicRef;
    public String questionText;
    public String whyItMatters;
    public String currentGuess;
    public int priority;
    public QuestionState state;
    public Instant createdAt;
    public Instant updatedAt;
    public List<ClarificationOption> options = new ArrayList<>();
    public ClarificationAnswer answer;
}
