package dev.conveyor.review.sessions.messaging;

import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.schemas.ReviewSessionEventAppended;

/** Between the log's rows and the topic's Avro records. */
public final class SessionEventMapper {

    private SessionEventMapper() {
    }

    public static ReviewSessionEventAppended toAvro(SessionEvent e) {
        return ReviewSessionEventAppended.newBuilder()
                .setEventId(e.eventId())
                .setSessionId(e.sessionId())
                .setSeq(e.seq())
                .setType(e.type())
                .setActor(e.actor())
                .setPayload(SessionJson.write(e.payload()))
                .setOccurredAt(e.occurredAt())
                .build();
    }

    public static SessionEvent fromAvro(ReviewSessionEventAppended a) {
        return new SessionEvent(a.getEventId(), a.getSessionId(), a.getSeq(), a.getType(), a.getActor(),
                SessionJson.parse(a.getPayload(), com.fasterxml.jackson.databind.JsonNode.class), a.getOccurredAt());
    }
}
