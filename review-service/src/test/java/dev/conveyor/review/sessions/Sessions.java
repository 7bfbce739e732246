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

    static ClarificationSession clarification(DatasetReviewSession s, ClarificationStatus status, String current) {
        ClarificationSession c = new ClarificationSession();
        c.clarificationSessionId = UUID.randomUUID().toString();
        c.status = status;
        c.currentQuestionId = current;
        s.clarification = c;
        return c;
    }
}
