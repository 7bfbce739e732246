package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Candidate lifecycle (seed §4). */
public enum CandidateStatus {
    PROPOSED("proposed"),
    ACCEPTED("accepted"),
    REJECTED("rejected"),
    SUPERSEDED("superseded");

    private final String wire;

    CandidateStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static CandidateStatus from(String value) {
        return WireEnums.parse(CandidateStatus.class, value);
    }
}
