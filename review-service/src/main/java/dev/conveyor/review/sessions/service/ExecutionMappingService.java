package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.review.sessions.ApprovalState;
import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ExecutionMapping;
import dev.conveyor.review.sessions.ImportedFilter;
import dev.conveyor.review.sessions.MappingMethod;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.TemplateVariable;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.execution.ExecutionFollowUp;
import dev.conveyor.review.sessions.execution.MappingRules;
import dev.conveyor.review.sessions.rest.SessionRequests;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;

/**
 * A person's decisions on mappings (seed §6): an override ({@code manual_override}, one mapping per
 * filter and variable, a variable takes one filter), a value of their own, and an approver's
 * approval or rejection, recorded with who and when. The proposals themselves are the system's
 * ({@link ExecutionFollowUp}); a changed mapping makes the current preview stale in the same command.
 */
@ApplicationScoped
public class ExecutionMappingService {

    private final SessionCommandRunner runner;

    public ExecutionMappingService(SessionCommandRunner runner) {
        this.runner = runner;
    }

    public DatasetReviewSession override(String sessionId, String user, Long ifMatch,
            SessionRequests.OverrideMapping req) {
        if (req == null || req.filterId() == null || req.filterId().isBlank()) {
            throw SessionProblems.badRequest("filter_id", "is required");
        }
        if (req.variableId() == null || req.variableId().isBlank()) {
            throw SessionProblems.badRequest("variable_id", "is required");
        }
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            ImportedFilter f = MappingRules.filter(s, req.filterId());
            if (f == null) {
                throw SessionProblems.notFound("filter_id", "no filter " + req.filterId());
            }
            TemplateVariable v = mappableVariable(s, req.variableId(), "variable_id");
            Instant now = SessionClock.now();
            ExecutionMapping existing = s.mappings.stream().filter(m -> m.filterId.equals(f.filterId)
                    && m.variableId.equals(v.variableId)).findFirst().orElse(null);
            ExecutionMapping m = existing != null ? Change.copy(existing)
                    : MappingRules.mapping(s.sessionId, f, v, MappingMethod.MANUAL_OVERRIDE, MappingRules.valueOf(f),
                            now);
            JsonNode value = req.effectiveValue() != null ? req.effectiveValue() : MappingRules.valueOf(f);
            MappingRules.fill(m, MappingMethod.MANUAL_OVERRIDE, MappingRules.valueOf(f), value, v, now);
            note(m, req.effectiveValue() != null, user);
            // a variable takes its value from one filter: the person's choice replaces the others
            List<String> replaced = s.mappings.stream().filter(x -> x.variableId.equals(v.variableId)
                    && !x.mappingId.equals(m.mappingId)).map(x -> x.mappingId).toList();
            return List.of(Change.of(SessionEventType.MAPPING_OVERRIDDEN, "mappings", List.of(m))
                    .with("removed_mapping_ids", replaced));
        });
    }

    public DatasetReviewSession editValue(String sessionId, String user, Long ifMatch, String mappingId,
            SessionRequests.EditMapping req) {
        if (req == null || req.effectiveValue() == null || req.effectiveValue().isNull()) {
            throw SessionProblems.badRequest("effective_value", "is required (a JSON value)");
        }
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            ExecutionMapping m = Change.copy(mapping(s, mappingId));
            TemplateVariable v = mappableVariable(s, m.variableId, "mapping_id");
            ImportedFilter f = MappingRules.filter(s, m.filterId);
            MappingRules.fill(m, MappingMethod.MANUAL_OVERRIDE, f == null ? m.rawInputValue : MappingRules.valueOf(f),
                    req.effectiveValue(), v, SessionClock.now());
            note(m, true, user);
            return List.of(Change.of(SessionEventType.MAPPING_OVERRIDDEN, "mappings", List.of(m)));
        });
    }

    /** An approver (or the owner) approves: the mapping and its launch-sensitive finding. */
    public DatasetReviewSession approve(String sessionId, String user, Long ifMatch, String mappingId,
            SessionRequests.DecideMapping req) {
        return runner.run(new Command(sessionId, user, Permission.APPROVE, ifMatch, false), s -> {
            ExecutionMapping m = Change.copy(mapping(s, mappingId));
            if (!m.requiresExplicitApproval) {
                throw SessionProblems.conflict("mapping_id", "the mapping needs no approval (approval_state "
                        + m.approvalState.wire() + ")");
            }
            if (m.approvalState == ApprovalState.APPROVED) {
                throw SessionProblems.conflict("approval_state", "the mapping is already approved");
            }
            Instant now = SessionClock.now();
            m.approvalState = ApprovalState.APPROVED;
            m.approvedByUserId = user;
            m.approvedAt = now;
            m.updatedAt = now;
            List<ValidationFinding> findings = new ArrayList<>();
            for (ValidationFinding f : s.findings) {
                if (ExecutionFollowUp.MAPPING_TRANSFORMATION_RISKY.equals(f.code) && m.mappingId.equals(f.causedByRef)
                        && f.isOpen()) {
                    ValidationFinding approved = Change.copy(f);
                    approved.resolutionState = ResolutionState.APPROVED;
                    approved.resolutionNote = "approved with the mapping by " + user
                            + (req == null || req.note() == null ? "" : ": " + req.note());
                    approved.resolvedAt = now;
                    findings.add(approved);
                }
            }
            return List.of(Change.of(SessionEventType.MAPPING_APPROVED, "mappings", List.of(m))
                    .with("findings", findings));
        });
    }

    public DatasetReviewSession reject(String sessionId, String user, Long ifMatch, String mappingId,
            SessionRequests.DecideMapping req) {
        return runner.run(new Command(sessionId, user, Permission.APPROVE, ifMatch, false), s -> {
            ExecutionMapping m = Change.copy(mapping(s, mappingId));
            if (m.approvalState == ApprovalState.REJECTED) {
                throw SessionProblems.conflict("approval_state", "the mapping is already rejected");
            }
            Instant now = SessionClock.now();
            m.approvalState = ApprovalState.REJECTED;
            m.approvedByUserId = null;
            m.approvedAt = null;
            m.transformationNote = (m.transformationNote == null ? "" : m.transformationNote + "; ")
                    + "rejected by " + user + (req == null || req.note() == null ? "" : ": " + req.note());
            m.updatedAt = now;
            return List.of(Change.of(SessionEventType.MAPPING_REJECTED, "mappings", List.of(m)));
        });
    }

    private static void note(ExecutionMapping m, boolean ownValue, String user) {
        String who = (ownValue ? "value given by " : "mapped by ") + user;
        m.transformationNote = m.transformationNote == null ? who : who + "; " + m.transformationNote;
    }

    static ExecutionMapping mapping(DatasetReviewSession s, String mappingId) {
        return s.mappings.stream().filter(m -> m.mappingId.equals(mappingId)).findFirst()
                .orElseThrow(() -> SessionProblems.notFound("mapping_id", "no mapping " + mappingId));
    }

    static TemplateVariable mappableVariable(DatasetReviewSession s, String variableId, String field) {
        TemplateVariable v = MappingRules.variable(s, variableId);
        if (v == null) {
            throw SessionProblems.notFound(field, "no template variable " + variableId);
        }
        if (!MappingRules.mappable(v)) {
            throw SessionProblems.conflict(field, "variable " + v.variableName + " (" + v.variableKind.wire()
                    + (v.passedAs == null ? "" : ", " + v.passedAs) + ") cannot take a mapped value: Superset "
                    + (v.passedAs == null ? "has no way to receive it"
                            : "takes it from the dataset's own template_params")
                    + "; change the dataset in Superset instead");
        }
        return v;
    }
}
