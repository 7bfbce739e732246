package dev.conveyor.review.sessions.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

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
 * properties are refused, so a derived field such as {@code readiness_state} cannot be sent.
 */
public final class SessionRequests {

    private SessionRequests() {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record CreateSession(String environmentId, SourceKind sourceKind, String sourceInput) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record ChangeStatus(SessionStatus status) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record AddCollaborator(CollaboratorRole role) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record EditProfile(String businessSummary, String description, BusinessSummarySource businessSummarySource) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record ResolveFinding(ResolutionState resolutionState, String resolutionNote) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record EditField(String verboseName, String description, String displayFormat) {
    }

    /** {@code user_feedback}: up, down, or null to withdraw it. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record FieldFeedback(UserFeedback userFeedback) {
    }

    /**
     * A semantic source: {@code uploaded_file} with {@code format} (csv or json) and {@code content};
     * {@code reference_dataset} with {@code dataset_id} in the session's environment.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record AddSemanticSource(SemanticSourceType sourceType, String displayName, String format, String content,
            Integer datasetId) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record AnswerQuestion(AnswerKind answerKind, String answerValue) {
    }

    @JsonIgnoreProperties(ignoreUnknown = false)
    public record CreateExport(ArtifactType artifactType, ArtifactFormat format) {
    }
}
