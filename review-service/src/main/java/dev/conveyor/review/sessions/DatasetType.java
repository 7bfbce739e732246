package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Kind of Superset dataset (seed §2). */
public enum DatasetType {
    TABLE("table"),
    VIRTUAL("virtual"),
    SQLLAB_VIEW("sqllab_view"),
    UNKNOWN("unknown");

    private final String wire;

    DatasetType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static DatasetType from(String value) {
        return WireEnums.parse(DatasetType.class, value);
    }
}
