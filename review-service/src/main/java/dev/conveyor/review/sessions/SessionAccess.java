package dev.conveyor.review.sessions;

import java.util.Optional;

/**
 * Who may do what on a session. The owner may do everything; collaborators by role: a viewer
 * reads, a reviewer also answers, edits fields and resolves findings, an approver also approves.
 * Anyone else may not even learn the session exists.
 */
public final class SessionAccess {

    /** What a request wants to do, weakest first. */
    public enum Permission {
        READ, REVIEW, APPROVE, OWN
    }

    private SessionAccess() {
    }

    public static boolean allows(DatasetReviewSession s, String userId, Permission wanted) {
        return level(s, userId).map(level -> level.compareTo(wanted) >= 0).orElse(false);
    }

    public static boolean canSee(DatasetReviewSession s, String userId) {
        return level(s, userId).isPresent();
    }

    static Optional<Permission> level(DatasetReviewSession s, String userId) {
        if (userId == null) {
            return Optional.empty();
        }
        if (userId.equals(s.userId)) {
            return Optional.of(Permission.OWN);
        }
        return s.collaborators.stream().filter(c -> userId.equals(c.userId)).findFirst().map(c -> switch (c.role) {
            case VIEWER -> Permission.READ;
            case REVIEWER -> Permission.REVIEW;
            case APPROVER -> Permission.APPROVE;
        });
    }
}
