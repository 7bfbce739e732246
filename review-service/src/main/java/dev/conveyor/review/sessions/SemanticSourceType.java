package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Origin kind of a semantic source (seed §4). */
public enum SemanticSourceType {
    UPLOADED_FILE("uploaded_file"),
    CONNECTED_DICTIONARY("connected_dictionary"),
    REFERENCE_DATASET("reference_dataset"),
    NEIGHBOR_DATASET("neighbor_dataset"),
    AI_GENERATED("ai_generated");

    private final String wire;

    SemanticSourceType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static SemanticSourceType from(String value) {
        return WireEnums.parse(SemanticSourceType.class, value);
    }
}
