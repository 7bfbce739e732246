package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The aggregate root (seed §1) with everything it owns. Rebuilt by folding its
 * {@link SessionEvent}s with {@link SessionProjector}; the derived fields come from {@link Readiness}.
 */
public class DatasetReviewSession {
    public String sessionId;
    public String userId;
    public List<SessionCollaborator> collaborators = new ArrayList<>();
    public String environmentId;
    public SourceKind sourceKind;
    public String sourceInput;
    public String datasetRef;
    public Integer datasetId;
    public Integer dashboardId;
    public ReadinessState readinessState;
    public RecommendedAction recommendedAction;
    public SessionStatus status;
    public SessionPhase currentPhase;
    public String activeTaskId;
    public String lastPreviewId;
    public String lastRunContextId;
    public Instant createdAt;
    public Instant updatedAt;
    public Instant lastActivityAt;
    public Instant closedAt;
    /** Number of events folded into this state; the {@code ETag}. */
    public long version;

    public DatasetProfile profile;
    public List<ValidationFinding> findings = new ArrayList<>();
    public List<SemanticSource> semanticSources = new ArrayList<>();
    public List<SemanticFieldEntry> fields = new ArrayList<>();
    public ClarificationSession clarification;
    public List<ExportArtifact> exports = new ArrayList<>();
    // execution part (seed §5, §6, §8)
    public List<ImportedFilter> importedFilters = new ArrayList<>();
    public List<TemplateVariable> templateVariables = new ArrayList<>();
    public List<ExecutionMapping> mappings = new ArrayList<>();
    /** Every preview generated, newest last; {@code last_preview_id} names the current one. */
    public List<CompiledPreview> previews = new ArrayList<>();
    /** Every launch audit record, newest last; {@code last_run_context_id} names the current one. */
    public List<DatasetRunContext> runContexts = new ArrayList<>();
    public List<AiRequest> aiRequests = new ArrayList<>();

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isReadOnly() {
        return status == SessionStatus.ARCHIVED || status == SessionStatus.CANCELLED;
    }
}
