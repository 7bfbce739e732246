package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Clarification lifecycle (seed §7). */
public enum ClarificationStatus {
    PENDING("pending"),
    ACTIVE("active"),
    PAUSED("paused"),
    COMPLETED("completed"),
    CANCELLED("cancelled");

    private final String wire;

    ClarificationStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ClarificationStatus from(String value) {
        return WireEnums.parse(ClarificationStatus.class, value);
    }
}
