package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How an execution mapping was produced (seed §6). */
public enum MappingMethod {
    DIRECT_MATCH("direct_match"),
    HEURISTIC_MATCH("heuristic_match"),
    SEMANTIC_MATCH("semantic_match"),
    MANUAL_OVERRIDE("manual_override");

    private final String wire;

    MappingMethod(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static MappingMethod from(String value) {
        return WireEnums.parse(MappingMethod.class, value);
    }
}
