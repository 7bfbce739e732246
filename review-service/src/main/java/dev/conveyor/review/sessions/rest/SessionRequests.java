package dev.conveyor.review.sessions.rest;

import dev.conveyor.review.sessions.AnswerKind;
import dev.conveyor.review.sessions.ArtifactFormat;
import dev.conveyor.review.sessions.ArtifactType;
import dev.conveyor.review.sessions.BusinessSummarySource;
import dev.conveyor.review.sessions.CollaboratorRole;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.SemanticSourceType;
import dev.conveyor.review.sessions.SessionStatus;
import dev.conveyor.review.sessions.SourceKind;
import dev.conveyor.review.sessions.UserFeedback;

/**
 * Request bodies of the sessions API; property names are the seed's (snake_case). Unknown
 * properties are refused ({@link StrictRequests}), so a derived field such as {@code readiness_state}
 * cannot be sent.
 */
public final class SessionRequests {

    private SessionRequests() {
    }

    public record CreateSession(String environmentId, SourceKind sourceKind, String sourceInput) {
    }

    public record ChangeStatus(SessionStatus status) {
    }

    public record AddCollaborator(CollaboratorRole role) {
    }

    public record EditProfile(String businessSummary, String description, BusinessSummarySource businessSummarySource) {
    }

    public record ResolveFinding(ResolutionState resolutionState, String resolutionNote) {
    }

    public record EditField(String verboseName, String description, String displayFormat) {
    }

    /** {@code user_feedback}: up, down, or null to withdraw it. */
    public record FieldFeedback(UserFeedback userFeedback) {
    }

    /**
     * A semantic source: {@code uploaded_file} with {@code format} (csv or json) and {@code content};
     * {@code reference_dataset} with {@code dataset_id} in the session's environment.
     */
    public record AddSemanticSource(SemanticSourceType sourceType, String displayName, String format, String content,
            Integer datasetId) {
    }

    public record AnswerQuestion(AnswerKind answerKind, String answerValue) {
    }

    /** {@code process_name}: business_summary or field_proposals. */
    public record RequestAi(String processName) {
    }

    public record CreateExport(ArtifactType artifactType, ArtifactFormat format) {
    }

    /**
     * A person maps {@code filter_id} onto {@code variable_id} ({@code manual_override}); without
     * {@code effective_value} the filter's value is taken (transformed as the variable needs).
     */
    public record OverrideMapping(String filterId, String variableId,
            com.fasterxml.jackson.databind.JsonNode effectiveValue) {
    }

    /** A person's value for an existing mapping (it becomes a {@code manual_override}). */
    public record EditMapping(com.fasterxml.jackson.databind.JsonNode effectiveValue) {
    }

    /** An approver's decision on a mapping; {@code note} is kept on its launch-sensitive finding. */
    public record DecideMapping(String note) {
    }

    /** {@code run_async}: let SQL Lab run the query in the background (202, {@code started}). */
    public record Launch(Boolean runAsync) {
    }

    /**
     * A filter set by hand: {@code filter_name} and {@code raw_value} required on POST; on PUT
     * every property is optional and what is given replaces the filter's value.
     */
    public record ManualFilter(String filterName, String displayName,
            com.fasterxml.jackson.databind.JsonNode rawValue, com.fasterxml.jackson.databind.JsonNode normalizedValue) {
    }
}
