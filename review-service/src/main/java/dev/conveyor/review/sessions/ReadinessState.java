package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Derived workflow readiness (seed §1); never set by hand, see {@link Readiness}. */
public enum ReadinessState {
    EMPTY("empty"),
    IMPORTING("importing"),
    REVIEW_READY("review_ready"),
    SEMANTIC_SOURCE_REVIEW_NEEDED("semantic_source_review_needed"),
    CLARIFICATION_NEEDED("clarification_needed"),
    CLARIFICATION_ACTIVE("clarification_active"),
    MAPPING_REVIEW_NEEDED("mapping_review_needed"),
    COMPILED_PREVIEW_READY("compiled_preview_ready"),
    PARTIALLY_READY("partially_ready"),
    RUN_READY("run_ready"),
    RUN_IN_PROGRESS("run_in_progress"),
    COMPLETED("completed"),
    RECOVERY_REQUIRED("recovery_required");

    private final String wire;

    ReadinessState(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ReadinessState from(String value) {
        return WireEnums.parse(ReadinessState.class, value);
    }
}
