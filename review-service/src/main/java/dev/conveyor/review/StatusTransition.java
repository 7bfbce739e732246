package dev.conveyor.review;

/**
 * The one rule of the results table: a status only moves forward, Pending to Completed,
 * Failed or Skipped, and a terminal status is final (the first outcome wins). Events may arrive twice or out of order (a task's
 * result before the task itself), so the decision depends only on what is stored and what
 * arrives, never on arrival order.
 */
public final class StatusTransition {

    /** What to do with an incoming status. */
    public enum Decision {
        /** No row yet: create it with the incoming status. */
        INSERT,
        /** A Pending row and a terminal outcome: move the row to it. */
        ADVANCE,
        /** Nothing to change: a duplicate, a late TaskIssued, or a second outcome. */
        KEEP
    }

    private StatusTransition() {
    }

    /**
     * @param stored the status of the stored row, or {@code null} when there is no row
     * @param incoming the status the event carries
     */
    public static Decision decide(ResultStatus stored, ResultStatus incoming) {
        if (incoming == null) {
            throw new IllegalArgumentException("incoming status is required");
        }
        if (stored == null) {
            return Decision.INSERT;
        }
        if (stored == ResultStatus.PENDING && incoming.isTerminal()) {
            return Decision.ADVANCE;
        }
        return Decision.KEEP;
    }
}
