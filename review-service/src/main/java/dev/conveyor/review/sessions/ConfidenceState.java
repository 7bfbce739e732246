package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Overall confidence posture (seed §2): the highest unresolved risk. */
public enum ConfidenceState {
    CONFIRMED("confirmed"),
    MOSTLY_CONFIRMED("mostly_confirmed"),
    MIXED("mixed"),
    LOW_CONFIDENCE("low_confidence"),
    UNRESOLVED("unresolved");

    private final String wire;

    ConfidenceState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ConfidenceState from(String value) {
        return WireEnums.parse(ConfidenceState.class, value);
    }
}
