package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Confidence/provenance class of an imported filter (seed §5). */
public enum FilterConfidenceState {
    CONFIRMED("confirmed"),
    IMPORTED("imported"),
    INFERRED("inferred"),
    AI_DRAFT("ai_draft"),
    UNRESOLVED("unresolved");

    private final String wire;

    FilterConfidenceState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FilterConfidenceState from(String value) {
        return WireEnums.parse(FilterConfidenceState.class, value);
    }
}
