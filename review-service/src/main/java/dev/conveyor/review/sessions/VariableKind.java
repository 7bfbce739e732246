package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Detected class of a template variable (seed §5). */
public enum VariableKind {
    NATIVE_FILTER("native_filter"),
    PARAMETER("parameter"),
    DERIVED("derived"),
    UNKNOWN("unknown");

    private final String wire;

    VariableKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static VariableKind from(String value) {
        return WireEnums.parse(VariableKind.class, value);
    }
}
