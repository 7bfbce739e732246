package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Approval lifecycle of an execution mapping (seed §6). */
public enum ApprovalState {
    PENDING("pending"),
    APPROVED("approved"),
    REJECTED("rejected"),
    NOT_REQUIRED("not_required");

    private final String wire;

    ApprovalState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ApprovalState from(String value) {
        return WireEnums.parse(ApprovalState.class, value);
    }
}
