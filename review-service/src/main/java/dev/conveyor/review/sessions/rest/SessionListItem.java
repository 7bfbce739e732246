package dev.conveyor.review.sessions.rest;

import java.time.Instant;

import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ReadinessState;
import dev.conveyor.review.sessions.RecommendedAction;
import dev.conveyor.review.sessions.SessionPhase;
import dev.conveyor.review.sessions.SessionStatus;

/** One row of the session list (the seed's SessionListItem). */
public record SessionListItem(String sessionId, String userId, String environmentId, String datasetRef,
        String datasetName, SessionStatus status, SessionPhase currentPhase, ReadinessState readinessState,
        RecommendedAction recommendedAction, Instant lastActivityAt, long version) {

    static SessionListItem of(DatasetReviewSession s) {
        return new SessionListItem(s.sessionId, s.userId, s.environmentId, s.datasetRef,
                s.profile == null ? null : s.profile.datasetName, s.status, s.currentPhase, s.readinessState,
                s.recommendedAction, s.lastActivityAt, s.version);
    }
}
