package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Who compiled a preview; the seed allows only Superset (seed §8). */
public enum CompiledBy {
    SUPERSET("superset");

    private final String wire;

    CompiledBy(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static CompiledBy from(String value) {
        return WireEnums.parse(CompiledBy.class, value);
    }
}
