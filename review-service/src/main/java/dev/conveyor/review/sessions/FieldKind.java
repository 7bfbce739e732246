package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Kind of a semantic field (seed §4). */
public enum FieldKind {
    COLUMN("column"),
    METRIC("metric"),
    FILTER_DIMENSION("filter_dimension"),
    PARAMETER("parameter");

    private final String wire;

    FieldKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FieldKind from(String value) {
        return WireEnums.parse(FieldKind.class, value);
    }
}
