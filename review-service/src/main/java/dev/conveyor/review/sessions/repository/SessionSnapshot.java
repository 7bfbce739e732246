package dev.conveyor.review.sessions.repository;

import dev.conveyor.review.sessions.DatasetReviewSession;

/**
 * A committed state of a session, never changed once built: {@code state} is the whole aggregate,
 * {@code rest} its document part as stored (everything but the fields and findings). Commands work
 * on a {@link SessionDocument#workingCopy working copy}; readers may serialize {@code state} while
 * another thread works on a copy.
 */
public record SessionSnapshot(DatasetReviewSession state, String rest) {

    public String sessionId() {
        return state.sessionId;
    }

    public long version() {
        return state.version;
    }

    /** What the snapshot costs the cache: its rows, plus one for the document. */
    int weight() {
        return 1 + state.fields.size() + state.findings.size();
    }
}
