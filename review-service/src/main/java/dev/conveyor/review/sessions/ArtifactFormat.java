package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Export file format (seed §9). */
public enum ArtifactFormat {
    JSON("json"),
    MARKDOWN("markdown"),
    CSV("csv"),
    PDF("pdf");

    private final String wire;

    ArtifactFormat(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ArtifactFormat from(String value) {
        return WireEnums.parse(ArtifactFormat.class, value);
    }
}
