package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Severity of a finding (seed §3). */
public enum FindingSeverity {
    BLOCKING("blocking"),
    WARNING("warning"),
    INFORMATIONAL("informational");

    private final String wire;

    FindingSeverity(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FindingSeverity from(String value) {
        return WireEnums.parse(FindingSeverity.class, value);
    }
}
