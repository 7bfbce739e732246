package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Risk of a mapping's transformation (seed §6). */
public enum MappingWarningLevel {
    LOW("low"),
    MEDIUM("medium"),
    HIGH("high");

    private final String wire;

    MappingWarningLevel(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static MappingWarningLevel from(String value) {
        return WireEnums.parse(MappingWarningLevel.class, value);
    }
}
