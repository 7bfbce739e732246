package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A collaborator's role (seed §1). */
public enum CollaboratorRole {
    VIEWER("viewer"),
    REVIEWER("reviewer"),
    APPROVER("approver");

    private final String wire;

    CollaboratorRole(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static CollaboratorRole from(String value) {
        return WireEnums.parse(CollaboratorRole.class, value);
    }
}
