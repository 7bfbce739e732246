package dev.conveyor.review.sessions.execution;

import java.util.ArrayList;
import java.util.List;

import dev.conveyor.review.sessions.ApprovalState;
import dev.conveyor.review.sessions.CompiledPreview;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ExecutionMapping;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.PreviewStatus;
import dev.conveyor.review.sessions.TemplateVariable;
import dev.conveyor.review.sessions.ValidationFinding;

/**
 * The run readiness invariant (seed §11), condition by condition: a session may launch only when
 * the list is empty. Each unmet condition has a stable code and names what it is about.
 */
public final class RunReadiness {

    /** One unmet condition: its code, what it is about (an id or a field), and what to do. */
    public record Unmet(String code, String ref, String message) {
    }

    public static final String DATASET_MISSING = "dataset_missing";
    public static final String BLOCKING_FINDING_OPEN = "blocking_finding_open";
    public static final String REQUIRED_VALUE_MISSING = "required_value_missing";
    public static final String MAPPING_APPROVAL_PENDING = "mapping_approval_pending";
    public static final String LAUNCH_WARNING_UNAPPROVED = "launch_warning_unapproved";
    public static final String PREVIEW_MISSING = "preview_missing";
    public static final String PREVIEW_NOT_READY = "preview_not_ready";
    public static final String PREVIEW_STALE = "preview_stale";
    public static final String LAUNCH_IN_PROGRESS = "launch_in_progress";

    /** {@code active_task_id} prefixes while Superset compiles a preview or SQL Lab takes a launch. */
    public static final String PREVIEW_TASK_PREFIX = "preview:";
    public static final String LAUNCH_TASK_PREFIX = "launch:";

    private RunReadiness() {
    }

    public static List<Unmet> unmet(DatasetReviewSession s) {
        List<Unmet> out = new ArrayList<>();
        if (s.datasetId == null || s.profile == null) {
            out.add(new Unmet(DATASET_MISSING, "dataset_id", "no dataset imported from Superset yet"));
            return out;
        }
        for (ValidationFinding f : s.findings) {
            if (f.isOpen() && f.severity == FindingSeverity.BLOCKING) {
                out.add(new Unmet(BLOCKING_FINDING_OPEN, f.findingId, "blocking finding " + f.code + " is open: "
                        + f.title));
            }
        }
        out.addAll(mappingConditions(s));
        for (ValidationFinding f : s.findings) {
            if (f.isOpen() && f.launchSensitive) {
                out.add(new Unmet(LAUNCH_WARNING_UNAPPROVED, f.findingId, "launch-sensitive warning " + f.code
                        + " is not approved: " + f.title));
            }
        }
        out.addAll(previewConditions(s));
        if (s.activeTaskId != null && s.activeTaskId.startsWith(LAUNCH_TASK_PREFIX)) {
            out.add(new Unmet(LAUNCH_IN_PROGRESS, s.activeTaskId, "a launch is being handed to SQL Lab"));
        }
        return out;
    }

    /** Required values present, approvals given. */
    public static List<Unmet> mappingConditions(DatasetReviewSession s) {
        List<Unmet> out = new ArrayList<>();
        for (TemplateVariable v : s.templateVariables) {
            ExecutionMapping m = ExecutionInputs.activeMapping(s, v.variableId);
            boolean hasValue = m != null && m.approvalState != ApprovalState.REJECTED && m.effectiveValue != null
                    && !m.effectiveValue.isNull();
            if (v.isRequired && !hasValue) {
                out.add(new Unmet(REQUIRED_VALUE_MISSING, v.variableId, "required variable " + v.variableName + " ("
                        + v.variableKind.wire() + ") has no " + (m == null ? "mapping"
                                : m.approvalState == ApprovalState.REJECTED ? "accepted mapping" : "value")
                        + ": map a filter onto it or give a value"));
            }
            if (m != null && m.requiresExplicitApproval && m.approvalState == ApprovalState.PENDING) {
                out.add(new Unmet(MAPPING_APPROVAL_PENDING, m.mappingId, "the " + m.mappingMethod.wire()
                        + " mapping onto " + v.variableName + (m.warningLevel == null ? ""
                                : " (" + m.warningLevel.wire() + " warning: " + m.transformationNote + ")")
                        + " awaits an approver"));
            }
        }
        return out;
    }

    /** A {@code ready} preview compiled from exactly the current inputs. */
    public static List<Unmet> previewConditions(DatasetReviewSession s) {
        CompiledPreview p = currentPreview(s);
        if (p == null) {
            return List.of(new Unmet(PREVIEW_MISSING, "last_preview_id", "no compiled preview: generate one"));
        }
        if (p.previewStatus == PreviewStatus.STALE
                || p.previewStatus == PreviewStatus.READY
                        && !p.previewFingerprint.equals(ExecutionInputs.of(s).fingerprint())) {
            return List.of(new Unmet(PREVIEW_STALE, p.previewId, "the preview was compiled from other inputs than "
                    + "the current ones: generate it again"));
        }
        if (p.previewStatus != PreviewStatus.READY) {
            return List.of(new Unmet(PREVIEW_NOT_READY, p.previewId, "the preview is " + p.previewStatus.wire()
                    + (p.errorDetails == null ? "" : ": " + p.errorDetails)));
        }
        return List.of();
    }

    public static CompiledPreview currentPreview(DatasetReviewSession s) {
        if (s.lastPreviewId == null) {
            return null;
        }
        return s.previews.stream().filter(p -> p.previewId.equals(s.lastPreviewId)).findFirst().orElse(null);
    }
}
