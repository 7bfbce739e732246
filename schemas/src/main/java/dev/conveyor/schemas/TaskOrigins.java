package dev.conveyor.schemas;

/**
 * Who asked for an LLM task. Workflow runs (the orchestrator) leave {@code origin} null; the
 * review-service aggregates that ask the workers for AI output set their own origin, so that
 * the orchestrator's stage gate and the Result table leave those tasks and results alone, and
 * the asking aggregate picks out its own results.
 */
public final class TaskOrigins {

    /** A research Path's AI step (review-service, issue 6). */
    public static final String PATH = "path";

    /** A dataset review session's AI work (review-service, issue 7). */
    public static final String REVIEW_SESSION = "review-session";

    private TaskOrigins() {
    }

    public static boolean fromWorkflowRun(TaskIssued task) {
        return task.getOrigin() == null;
    }

    public static boolean fromWorkflowRun(TaskFinished result) {
        return result.getOrigin() == null;
    }
}
