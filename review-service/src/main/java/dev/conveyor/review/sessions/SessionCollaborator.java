package dev.conveyor.review.sessions;

import java.time.Instant;

/** A user sharing a session, with a role (seed §1). */
public class SessionCollaborator {
    public String userId;
    public CollaboratorRole role;
    public Instant addedAt;

    public SessionCollaborator() {
    }

    public SessionCollaborator(String userId, CollaboratorRole role, Instant addedAt) {
        this.userId = userId;
        this.role = role;
        this.addedAt = addedAt;
    }
}
