package dev.conveyor.review.sessions;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Derived next action (seed §1); never set by hand, see {@link Readiness}. */
public enum RecommendedAction {
    IMPORT_FROM_SUPERSET("import_from_superset"),
    REVIEW_DOCUMENTATION("review_documentation"),
    APPLY_SEMANTIC_SOURCE("apply_semantic_source"),
    START_CLARIFICATION("start_clarification"),
    ANSWER_NEXT_QUESTION("answer_next_question"),
    APPROVE_MAPPING("approve_mapping"),
    GENERATE_SQL_PREVIEW("generate_sql_preview"),
    COMPLETE_REQUIRED_VALUES("complete_required_values"),
    LAUNCH_DATASET("launch_dataset"),
    RESUME_SESSION("resume_session"),
    EXPORT_OUTPUTS("export_outputs");

    private final String wire;

    RecommendedAction(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static RecommendedAction from(String value) {
        return WireEnums.parse(RecommendedAction.class, value);
    }
}
