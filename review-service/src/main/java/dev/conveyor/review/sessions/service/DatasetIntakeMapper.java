package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.conveyor.review.sessions.BusinessSummarySource;
import dev.conveyor.review.sessions.ChangedBy;
import dev.conveyor.review.sessions.DatasetProfile;
import dev.conveyor.review.sessions.DatasetType;
import dev.conveyor.review.sessions.FieldKind;
import dev.conveyor.review.sessions.FieldProvenance;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingRules;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.superset.SupersetDataset;

/** Turns a Superset dataset into the session's profile, one field entry per column and metric, and findings for what is missing. */
public final class DatasetIntakeMapper {

    /** Everything one intake produces; applied as one event, so a session is never half-built. */
    public record Intake(DatasetProfile profile, List<SemanticFieldEntry> fields, List<ValidationFinding> findings) {
    }

    private DatasetIntakeMapper() {
    }

    public static Intake map(String sessionId, SupersetDataset d, Instant now) {
        DatasetProfile p = new DatasetProfile();
        p.profileId = UUID.randomUUID().toString();
        p.sessionId = sessionId;
        p.datasetName = d.tableName() == null ? "dataset " + d.id() : d.tableName();
        p.schemaName = d.schema();
        p.databaseName = d.databaseName();
        p.description = blankToNull(d.description());
        p.isSqllabView = d.isSqllabView();
        p.sql = d.sql();
        p.databaseId = d.databaseId();
        p.templateParams = d.templateParams();
        p.datasetType = typeOf(d);
        if (p.description != null) {
            p.businessSummary = p.description;
            p.businessSummarySource = BusinessSummarySource.IMPORTED;
        } else {
            // skeletal but usable: the seed wants a summary string from the start
            p.businessSummary = p.datasetName + ": " + d.columns().size() + " columns and " + d.metrics().size()
                    + " metrics" + (p.schemaName == null ? "" : " in " + p.schemaName)
                    + (p.databaseName == null ? "" : " (" + p.databaseName + ")") + ".";
            p.businessSummarySource = BusinessSummarySource.INFERRED;
        }
        p.createdAt = now;
        p.updatedAt = now;

        List<SemanticFieldEntry> fields = new ArrayList<>();
        List<ValidationFinding> findings = new ArrayList<>();
        for (SupersetDataset.Column c : d.columns()) {
            SemanticFieldEntry f = field(sessionId, c.columnName(), FieldKind.COLUMN, c.verboseName(), c.description(),
                    c.pythonDateFormat(), now);
            fields.add(f);
            if (f.isIncomplete()) {
                findings.add(finding(sessionId, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.WARNING,
                        FindingRules.FIELD_MEANING_MISSING, "Column " + f.fieldName + " has no documented meaning",
                        "Superset has no " + missing(f) + " for column " + f.fieldName
                                + ": apply a dictionary, accept a proposal or write it.", f.fieldId, now));
            }
        }
        for (SupersetDataset.Metric m : d.metrics()) {
            SemanticFieldEntry f = field(sessionId, m.metricName(), FieldKind.METRIC, m.verboseName(), m.description(),
                    m.d3format(), now);
            fields.add(f);
            if (f.isIncomplete()) {
                findings.add(finding(sessionId, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.WARNING,
                        FindingRules.FIELD_MEANING_MISSING, "Metric " + f.fieldName + " has no documented meaning",
                        "Superset has no " + missing(f) + " for metric " + f.fieldName + ".", f.fieldId, now));
            }
            if (f.displayFormat == null) {
                findings.add(finding(sessionId, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.INFORMATIONAL,
                        FindingRules.METRIC_FORMAT_MISSING, "Metric " + f.fieldName + " has no d3 format",
                        "Values of " + f.fieldName + " will show unformatted.", f.fieldId, now));
            }
        }
        if (p.description == null) {
            findings.add(finding(sessionId, FindingArea.DATASET_PROFILE, FindingSeverity.WARNING,
                    FindingRules.DATASET_DESCRIPTION_MISSING, "The dataset has no description",
                    "Superset holds no description of " + p.datasetName
                            + "; the summary is inferred from its shape. Write or confirm one.", null, now));
        }
        if (d.columns().isEmpty()) {
            findings.add(finding(sessionId, FindingArea.DATASET_PROFILE, FindingSeverity.BLOCKING,
                    FindingRules.DATASET_HAS_NO_COLUMNS, "The dataset has no columns",
                    "Superset lists no columns for " + p.datasetName + "; sync its columns in Superset and import again.",
                    null, now));
        }
        return new Intake(p, fields, findings);
    }

    public static ValidationFinding finding(String sessionId, FindingArea area, FindingSeverity severity, String code,
            String title, String message, String causedByRef, Instant now) {
        return ValidationFinding.open(sessionId, area, severity, code, title, message, causedByRef, now);
    }

    static DatasetType typeOf(SupersetDataset d) {
        if (d.isSqllabView()) {
            return DatasetType.SQLLAB_VIEW;
        }
        if ("virtual".equals(d.kind()) || d.sql() != null && !d.sql().isBlank()) {
            return DatasetType.VIRTUAL;
        }
        return "physical".equals(d.kind()) || d.kind() == null && d.tableName() != null ? DatasetType.TABLE
                : DatasetType.UNKNOWN;
    }

    private static SemanticFieldEntry field(String sessionId, String name, FieldKind kind, String verbose,
            String description, String format, Instant now) {
        SemanticFieldEntry f = new SemanticFieldEntry();
        f.fieldId = UUID.randomUUID().toString();
        f.sessionId = sessionId;
        f.fieldName = name;
        f.fieldKind = kind;
        f.verboseName = blankToNull(verbose);
        f.description = blankToNull(description);
        f.displayFormat = blankToNull(format);
        // what Superset already holds is the dataset's own reference metadata
        f.provenance = f.verboseName == null && f.description == null ? FieldProvenance.UNRESOLVED
                : FieldProvenance.REFERENCE_IMPORTED;
        f.lastChangedBy = ChangedBy.SYSTEM;
        f.createdAt = now;
        f.updatedAt = now;
        return f;
    }

    private static String missing(SemanticFieldEntry f) {
        return f.verboseName == null && f.description == null ? "label or description"
                : f.verboseName == null ? "label" : "description";
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
