package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a person answered a question (seed §7). */
public enum AnswerKind {
    SELECTED("selected"),
    CUSTOM("custom"),
    SKIPPED("skipped"),
    EXPERT_REVIEW("expert_review");

    private final String wire;

    AnswerKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static AnswerKind from(String value) {
        return WireEnums.parse(AnswerKind.class, value);
    }
}
