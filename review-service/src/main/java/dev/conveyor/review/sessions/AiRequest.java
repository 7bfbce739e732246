package dev.conveyor.review.sessions;

import java.time.Instant;

/**
 * AI work the session asked of the LLM workers (a task on conveyor.llm-tasks with origin
 * {@code review-session}), and how it ended. While one is pending its task id is the session's
 * {@code active_task_id}.
 */
public class AiRequest {
    public String requestId;
    public String taskId;
    /** {@code business_summary} or {@code field_proposals}. */
    public String processName;
    /** {@code requested}, {@code completed} or {@code failed}. */
    public String status;
    public String error;
    public String requestedBy;
    public Instant requestedAt;
    public Instant finishedAt;
}
