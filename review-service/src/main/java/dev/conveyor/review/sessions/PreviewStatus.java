package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Lifecycle of a compiled preview (seed §8). */
public enum PreviewStatus {
    PENDING("pending"),
    READY("ready"),
    FAILED("failed"),
    STALE("stale");

    private final String wire;

    PreviewStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static PreviewStatus from(String value) {
        return WireEnums.parse(PreviewStatus.class, value);
    }
}
