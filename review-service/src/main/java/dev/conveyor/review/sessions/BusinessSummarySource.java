package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Provenance of the business summary (seed §2). */
public enum BusinessSummarySource {
    CONFIRMED("confirmed"),
    IMPORTED("imported"),
    INFERRED("inferred"),
    AI_DRAFT("ai_draft"),
    MANUAL_OVERRIDE("manual_override");

    private final String wire;

    BusinessSummarySource(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static BusinessSummarySource from(String value) {
        return WireEnums.parse(BusinessSummarySource.class, value);
    }
}
