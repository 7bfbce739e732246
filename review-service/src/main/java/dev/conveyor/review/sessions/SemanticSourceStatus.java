package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Availability of a semantic source (seed §4). */
public enum SemanticSourceStatus {
    AVAILABLE("available"),
    SELECTED("selected"),
    APPLIED("applied"),
    REJECTED("rejected"),
    PARTIAL("partial"),
    FAILED("failed");

    private final String wire;

    SemanticSourceStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static SemanticSourceStatus from(String value) {
        return WireEnums.parse(SemanticSourceStatus.class, value);
    }
}
