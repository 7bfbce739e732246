package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How completely a filter was recovered (seed §5). */
public enum FilterRecoveryStatus {
    RECOVERED("recovered"),
    PARTIAL("partial"),
    MISSING("missing"),
    CONFLICTED("conflicted");

    private final String wire;

    FilterRecoveryStatus(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FilterRecoveryStatus from(String value) {
        return WireEnums.parse(FilterRecoveryStatus.class, value);
    }
}
