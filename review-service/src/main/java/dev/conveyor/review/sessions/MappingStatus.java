package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Mapping state of a template variable (seed §5). */
public enum MappingStatus {
    UNMAPPED("unmapped"),
    PROPOSED("proposed"),
    APPROVED("approved"),
    OVERRIDDEN("overridden"),
    INVALID("invalid");

    private final String wire;

    MappingStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static MappingStatus from(String value) {
        return WireEnums.parse(MappingStatus.class, value);
    }
}
