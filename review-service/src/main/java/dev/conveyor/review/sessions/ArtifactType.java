package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Export type (seed §9). */
public enum ArtifactType {
    DOCUMENTATION("documentation"),
    VALIDATION_REPORT("validation_report"),
    RUN_SUMMARY("run_summary");

    private final String wire;

    ArtifactType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ArtifactType from(String value) {
        return WireEnums.parse(ArtifactType.class, value);
    }
}
