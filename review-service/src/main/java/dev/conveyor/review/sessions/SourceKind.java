package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Origin kind of a session (seed §1). */
public enum SourceKind {
    SUPERSET_LINK("superset_link"),
    DATASET_SELECTION("dataset_selection");

    private final String wire;

    SourceKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static SourceKind from(String value) {
        return WireEnums.parse(SourceKind.class, value);
    }
}
