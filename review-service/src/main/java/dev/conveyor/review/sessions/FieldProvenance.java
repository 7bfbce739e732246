package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Final chosen source class of a field value (seed §4). */
public enum FieldProvenance {
    DICTIONARY_EXACT("dictionary_exact"),
    REFERENCE_IMPORTED("reference_imported"),
    FUZZY_INFERRED("fuzzy_inferred"),
    AI_GENERATED("ai_generated"),
    MANUAL_OVERRIDE("manual_override"),
    UNRESOLVED("unresolved");

    private final String wire;

    FieldProvenance(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FieldProvenance from(String value) {
        return WireEnums.parse(FieldProvenance.class, value);
    }
}
