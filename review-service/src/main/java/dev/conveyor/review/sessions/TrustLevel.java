package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Trust tier of a semantic source (seed §4). */
public enum TrustLevel {
    TRUSTED("trusted"),
    RECOMMENDED("recommended"),
    CANDIDATE("candidate"),
    GENERATED("generated");

    private final String wire;

    TrustLevel(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static TrustLevel from(String value) {
        return WireEnums.parse(TrustLevel.class, value);
    }
}
