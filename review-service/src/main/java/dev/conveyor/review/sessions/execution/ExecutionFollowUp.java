package dev.conveyor.review.sessions.execution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.conveyor.review.sessions.ApprovalState;
import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.CompiledPreview;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ExecutionMapping;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.MappingWarningLevel;
import dev.conveyor.review.sessions.PreviewStatus;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.SessionEvent;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.TemplateVariable;
import dev.conveyor.review.sessions.ValidationFinding;

/**
 * What the execution part must change after any command, in that command (so nobody ever sees a
 * state in between): template variables read again after an intake; mappings whose filter or
 * variable is gone removed; new filters or variables matched; mappings whose filter's value changed
 * recomputed; risky mappings' launch-sensitive findings raised or closed; and the current preview
 * made {@code stale} the moment its inputs are no longer the session's (preview truth invariant).
 * One change at a time: the runner folds it and asks again until there is nothing left.
 */
public final class ExecutionFollowUp {

    public static final String MAPPING_TRANSFORMATION_RISKY = "mapping_transformation_risky";

    private ExecutionFollowUp() {
    }

    public static Change next(DatasetReviewSession s, List<SessionEvent> events, Instant now) {
        if (s.profile == null) {
            return null;
        }
        if (needsDiscovery(events)) {
            Change discovered = TemplateVariables.discover(s, now);
            if (discovered != null) {
                return discovered;
            }
        }
        if (s.templateVariables.isEmpty() && s.mappings.isEmpty() && s.previews.isEmpty()) {
            return null; // nothing of the execution part yet: the common, cheap case
        }
        List<String> orphaned = MappingRules.orphaned(s);
        if (!orphaned.isEmpty()) {
            return Change.of(SessionEventType.MAPPINGS_REMOVED, "mapping_ids", orphaned);
        }
        List<ExecutionMapping> changed = new ArrayList<>(MappingRules.refresh(s, now));
        changed.addAll(MappingRules.propose(s, now));
        if (!changed.isEmpty()) {
            return Change.of(SessionEventType.MAPPINGS_PROPOSED, "mappings", changed);
        }
        List<ValidationFinding> findings = riskFindings(s, now);
        if (!findings.isEmpty()) {
            return Change.of(SessionEventType.FINDING_RAISED, "findings", findings);
        }
        CompiledPreview p = RunReadiness.currentPreview(s);
        if (p != null && (p.previewStatus == PreviewStatus.READY || p.previewStatus == PreviewStatus.PENDING)
                && !p.previewFingerprint.equals(ExecutionInputs.of(s).fingerprint())) {
            CompiledPreview stale = Change.copy(p);
            stale.previewStatus = PreviewStatus.STALE;
            return Change.of(SessionEventType.PREVIEW_STALED, "preview", stale);
        }
        return null;
    }

    /** After an intake (re-)completed and before the variables were read from it. */
    static boolean needsDiscovery(List<SessionEvent> events) {
        boolean needed = false;
        for (SessionEvent e : events) {
            if (e.type().equals(SessionEventType.INTAKE_COMPLETED)) {
                needed = true;
            } else if (e.type().equals(SessionEventType.TEMPLATE_VARIABLES_DISCOVERED)) {
                needed = false;
            }
        }
        return needed;
    }

    /**
     * A mapping with a medium or high warning has an open launch-sensitive finding while it awaits
     * approval (opened again when its value changed after an approval); the finding closes when the
     * mapping is gone or no longer risky. Approving is a person's act (the approve command).
     */
    static List<ValidationFinding> riskFindings(DatasetReviewSession s, Instant now) {
        List<ValidationFinding> out = new ArrayList<>();
        for (ExecutionMapping m : s.mappings) {
            boolean risky = m.warningLevel == MappingWarningLevel.MEDIUM || m.warningLevel == MappingWarningLevel.HIGH;
            ValidationFinding f = s.findings.stream().filter(x -> MAPPING_TRANSFORMATION_RISKY.equals(x.code)
                    && m.mappingId.equals(x.causedByRef)).findFirst().orElse(null);
            TemplateVariable v = MappingRules.variable(s, m.variableId);
            if (risky && m.approvalState == ApprovalState.PENDING) {
                if (f == null) {
                    ValidationFinding raised = TemplateVariables.finding(s, FindingSeverity.WARNING,
                            MAPPING_TRANSFORMATION_RISKY, "A risky transformation feeds " + v.variableName,
                            m.transformationNote + " (" + m.warningLevel.wire() + "). An approver must approve the "
                                    + "mapping before launch.",
                            m.mappingId, now);
                    raised.launchSensitive = true;
                    out.add(raised);
                } else if (!f.isOpen() && f.resolvedAt != null && m.updatedAt != null
                        && f.resolvedAt.isBefore(m.updatedAt)) {
                    ValidationFinding reopened = Change.copy(f);
                    reopened.resolutionState = ResolutionState.OPEN;
                    reopened.resolutionNote = "opened again: the mapping's value changed after the approval";
                    reopened.resolvedAt = null;
                    reopened.message = m.transformationNote + " (" + m.warningLevel.wire() + "). An approver must "
                            + "approve the mapping before launch.";
                    out.add(reopened);
                }
            } else if (!risky && f != null && f.isOpen()) {
                out.add(resolved(f, "resolved by the system: the mapping's transformation is no longer risky", now));
            }
        }
        for (ValidationFinding f : s.findings) {
            if (MAPPING_TRANSFORMATION_RISKY.equals(f.code) && f.isOpen()
                    && s.mappings.stream().noneMatch(m -> m.mappingId.equals(f.causedByRef))) {
                out.add(resolved(f, "resolved by the system: the mapping was removed", now));
            }
        }
        return out;
    }

    static ValidationFinding resolved(ValidationFinding f, String note, Instant now) {
        ValidationFinding r = Change.copy(f);
        r.resolutionState = ResolutionState.RESOLVED;
        r.resolutionNote = note;
        r.resolvedAt = now;
        return r;
    }
}
