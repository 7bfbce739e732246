package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Active workflow phase (seed §1). */
public enum SessionPhase {
    INTAKE("intake"),
    RECOVERY("recovery"),
    REVIEW("review"),
    SEMANTIC_REVIEW("semantic_review"),
    CLARIFICATION("clarification"),
    MAPPING_REVIEW("mapping_review"),
    PREVIEW("preview"),
    LAUNCH("launch"),
    POST_RUN("post_run");

    private final String wire;

    SessionPhase(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static SessionPhase from(String value) {
        return WireEnums.parse(SessionPhase.class, value);
    }
}
