package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Thumbs up or down on a field (seed §4); absent means no feedback. */
public enum UserFeedback {
    UP("up"),
    DOWN("down");

    private final String wire;

    UserFeedback(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static UserFeedback from(String value) {
        return WireEnums.parse(UserFeedback.class, value);
    }
}
