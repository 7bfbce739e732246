package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Outcome of a SQL Lab launch (seed §8). */
public enum LaunchStatus {
    STARTED("started"),
    SUCCESS("success"),
    FAILED("failed");

    private final String wire;

    LaunchStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static LaunchStatus from(String value) {
        return WireEnums.parse(LaunchStatus.class, value);
    }
}
