package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a recovered filter came from (seed §5). */
public enum FilterSource {
    SUPERSET_NATIVE("superset_native"),
    SUPERSET_URL("superset_url"),
    MANUAL("manual"),
    INFERRED("inferred");

    private final String wire;

    FilterSource(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FilterSource from(String value) {
        return WireEnums.parse(FilterSource.class, value);
    }
}
