package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Question lifecycle (seed §7). */
public enum QuestionState {
    OPEN("open"),
    ANSWERED("answered"),
    SKIPPED("skipped"),
    EXPERT_REVIEW("expert_review"),
    SUPERSEDED("superseded");

    private final String wire;

    QuestionState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static QuestionState from(String value) {
        return WireEnums.parse(QuestionState.class, value);
    }
}
