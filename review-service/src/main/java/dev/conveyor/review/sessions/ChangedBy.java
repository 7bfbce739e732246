package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Who last changed a field (seed §4). */
public enum ChangedBy {
    SYSTEM("system"),
    USER("user"),
    AGENT("agent");

    private final String wire;

    ChangedBy(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ChangedBy from(String value) {
        return WireEnums.parse(ChangedBy.class, value);
    }
}
