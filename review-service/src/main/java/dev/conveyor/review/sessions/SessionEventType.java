package dev.conveyor.review.sessions;

/** The facts a session's log holds; {@link SessionProjector} knows how each changes the state. */
public final class SessionEventType {

    public static final String SESSION_STARTED = "session_started";
    public static final String COLLABORATOR_ADDED = "collaborator_added";
    public static final String COLLABORATOR_REMOVED = "collaborator_removed";
    public static final String STATUS_CHANGED = "status_changed";
    public static final String INTAKE_STARTED = "intake_started";
    public static final String INTAKE_COMPLETED = "intake_completed";
    public static final String INTAKE_FAILED = "intake_failed";
    public static final String PROFILE_UPDATED = "profile_updated";
    public static final String FIELD_UPDATED = "field_updated";
    public static final String FIELDS_UPDATED = "fields_updated";
    public static final String FINDING_RAISED = "finding_raised";
    public static final String FINDING_UPDATED = "finding_updated";
    public static final String SEMANTIC_SOURCE_ADDED = "semantic_source_added";
    public static final String SEMANTIC_SOURCE_UPDATED = "semantic_source_updated";
    public static final String CLARIFICATION_STARTED = "clarification_started";
    public static final String CLARIFICATION_ANSWER_RECORDED = "clarification_answer_recorded";
    public static final String CLARIFICATION_ADVANCED = "clarification_advanced";
    public static final String EXPORT_CREATED = "export_created";
    public static final String AI_REQUESTED = "ai_requested";
    public static final String AI_ANSWERED = "ai_answered";
    // execution part (seed §5, §6, §8): template variables, mappings, preview, launch
    public static final String TEMPLATE_VARIABLES_DISCOVERED = "template_variables_discovered";
    public static final String MAPPINGS_PROPOSED = "mappings_proposed";
    public static final String MAPPINGS_REMOVED = "mappings_removed";
    public static final String MAPPING_OVERRIDDEN = "mapping_overridden";
    public static final String MAPPING_APPROVED = "mapping_approved";
    public static final String MAPPING_REJECTED = "mapping_rejected";
    public static final String PREVIEW_REQUESTED = "preview_requested";
    public static final String PREVIEW_COMPILED = "preview_compiled";
    public static final String PREVIEW_FAILED = "preview_failed";
    public static final String PREVIEW_STALED = "preview_staled";
    public static final String LAUNCH_REQUESTED = "launch_requested";
    public static final String LAUNCH_RECORDED = "launch_recorded";
    // Superset links and filter recovery (issue 8)
    public static final String SUPERSET_LINK_RESOLVED = "superset_link_resolved";
    public static final String FILTERS_RECOVERED = "filters_recovered";
    public static final String FILTER_ADDED = "filter_added";
    public static final String FILTER_UPDATED = "filter_updated";
    public static final String FILTER_REMOVED = "filter_removed";

    private SessionEventType() {
    }
}
