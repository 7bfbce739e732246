package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.UUID;

/** Builds session contents for the rule tables. */
final class Sessions {

    static final Instant T0 = Instant.parse("2026-03-16T10:00:00Z");

    private Sessions() {
    }

    static DatasetReviewSession empty() {
        DatasetReviewSession s = new DatasetReviewSession();
        s.sessionId = UUID.randomUUID().toString();
        s.userId = "owner";
        s.status = SessionStatus.ACTIVE;
        return s;
    }

    static DatasetReviewSession imported() {
        DatasetReviewSession s = empty();
        s.profile = new DatasetProfile();
        s.profile.datasetName = "orders";
        s.profile.businessSummary = "orders";
        s.profile.businessSummarySource = BusinessSummarySource.IMPORTED;
        return s;
    }

    static SemanticFieldEntry field(DatasetReviewSession s, String name, FieldProvenance provenance) {
        SemanticFieldEntry f = new SemanticFieldEntry();
        f.fieldId = UUID.randomUUID().toString();
        f.fieldName = name;
        f.fieldKind = FieldKind.COLUMN;
        f.provenance = provenance;
        f.verboseName = provenance == FieldProvenance.UNRESOLVED ? null : name;
        f.description = provenance == FieldProvenance.UNRESOLVED ? null : "about " + name;
        f.lastChangedBy = ChangedBy.SYSTEM;
        s.fields.add(f);
        return f;
    }

    static ValidationFinding finding(DatasetReviewSession s, FindingArea area, FindingSeverity severity,
            ResolutionState state) {
        ValidationFinding f = new ValidationFinding();
        f.findingId = UUID.randomUUID().toString();
        f.area = area;
        f.severity = severity;
        f.code = "test";
        f.resolutionState = state;
        s.findings.add(f);
        return f;
    }

    static SemanticSource source(DatasetReviewSession s, SemanticSourceStatus status) {
        SemanticSource src = new SemanticSource();
        src.sourceId = UUID.randomUUID().toString();
        src.sourceType = SemanticSourceType.UPLOADED_FILE;
        src.status = status;
        s.semanticSources.add(src);
        return src;
    }

    /**
     * A session where the run readiness invariant holds: one required native-filter variable mapped
     * from a filter, and a ready preview compiled from exactly those inputs.
     */
    static DatasetReviewSession launchable() {
        DatasetReviewSession s = imported();
        s.datasetId = 42;
        s.profile.sql = "SELECT * FROM t WHERE r IN ({{ filter_values('region')|join(',') }})";
        TemplateVariable v = new TemplateVariable();
        v.variableId = UUID.randomUUID().toString();
        v.variableName = "region";
        v.variableKind = VariableKind.NATIVE_FILTER;
        v.passedAs = "filters";
        v.isRequired = true;
        s.templateVariables.add(v);
        ImportedFilter f = new ImportedFilter();
        f.filterId = UUID.randomUUID().toString();
        f.filterName = "region";
        f.rawValue = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add("EU");
        s.importedFilters.add(f);
        s.mappings.add(dev.conveyor.review.sessions.execution.MappingRules.mapping(s.sessionId, f, v,
                MappingMethod.DIRECT_MATCH, f.rawValue, T0));
        CompiledPreview p = new CompiledPreview();
        p.previewId = UUID.randomUUID().toString();
        p.previewStatus = PreviewStatus.READY;
        p.compiledSql = "SELECT 1";
        p.compiledBy = CompiledBy.SUPERSET;
        p.previewFingerprint = dev.conveyor.review.sessions.execution.ExecutionInputs.of(s).fingerprint();
        s.previews.add(p);
        s.lastPreviewId = p.previewId;
        return s;
    }

    static DatasetReviewSession launched(LaunchStatus status) {
        DatasetReviewSession s = launchable();
        DatasetRunContext run = new DatasetRunContext();
        run.runContextId = UUID.randomUUID().toString();
        run.previewId = s.lastPreviewId;
        run.launchStatus = status;
        s.runContexts.add(run);
        s.lastRunContextId = run.runContextId;
        return s;
    }

    static ClarificationSession clarification(DatasetReviewSession s, ClarificationStatus status, String current) {
        ClarificationSession c = new ClarificationSession();
        c.clarificationSessionId = UUID.randomUUID().toString();
        c.status = status;
        c.currentQuestionId = current;
        s.clarification = c;
        return c;
    }
}
