package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Session lifecycle status (seed §1). */
public enum SessionStatus {
    ACTIVE("active"),
    PAUSED("paused"),
    COMPLETED("completed"),
    ARCHIVED("archived"),
    CANCELLED("cancelled");

    private final String wire;

    SessionStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static SessionStatus from(String value) {
        return WireEnums.parse(SessionStatus.class, value);
    }
}
