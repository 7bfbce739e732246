package dev.conveyor.review.sessions;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** One fact in a session's log: what happened, who did it, when, with its data. */
public record SessionEvent(String eventId, String sessionId, long seq, String type, String actor, JsonNode payload,
        Instant occurredAt) {
}
