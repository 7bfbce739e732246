package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Resolution status of a finding (seed §3). */
public enum ResolutionState {
    OPEN("open"),
    RESOLVED("resolved"),
    APPROVED("approved"),
    SKIPPED("skipped"),
    DEFERRED("deferred"),
    EXPERT_REVIEW("expert_review");

    private final String wire;

    ResolutionState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ResolutionState from(String value) {
        return WireEnums.parse(ResolutionState.class, value);
    }
}
