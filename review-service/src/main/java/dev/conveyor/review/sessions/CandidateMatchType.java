package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a candidate matched its field (seed §4), strongest first. */
public enum CandidateMatchType {
    EXACT("exact"),
    REFERENCE("reference"),
    FUZZY("fuzzy"),
    GENERATED("generated");

    private final String wire;

    CandidateMatchType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static CandidateMatchType from(String value) {
        return WireEnums.parse(CandidateMatchType.class, value);
    }
}
