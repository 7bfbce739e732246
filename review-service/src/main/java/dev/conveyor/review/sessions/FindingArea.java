package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Affected domain area of a finding (seed §3). */
public enum FindingArea {
    SOURCE_INTAKE("source_intake"),
    DATASET_PROFILE("dataset_profile"),
    SEMANTIC_ENRICHMENT("semantic_enrichment"),
    CLARIFICATION("clarification"),
    FILTER_RECOVERY("filter_recovery"),
    TEMPLATE_MAPPING("template_mapping"),
    COMPILED_PREVIEW("compiled_preview"),
    LAUNCH("launch"),
    AUDIT("audit");

    private final String wire;

    FindingArea(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static FindingArea from(String value) {
        return WireEnums.parse(FindingArea.class, value);
    }
}
