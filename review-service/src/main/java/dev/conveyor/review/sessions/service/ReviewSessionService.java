package dev.conveyor.review.sessions.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.review.sessions.BusinessSummarySource;
import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.ChangedBy;
import dev.conveyor.review.sessions.CollaboratorRole;
import dev.conveyor.review.sessions.DatasetProfile;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FieldProvenance;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingRules;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.Readiness;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.SemanticCandidate;
import dev.conveyor.review.sessions.SemanticEnrichment;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionCollaborator;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.SessionLifecycle;
import dev.conveyor.review.sessions.SessionStatus;
import dev.conveyor.review.sessions.SourceKind;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.CandidateStatus;
import dev.conveyor.review.sessions.rest.SessionRequests;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;
import dev.conveyor.review.sessions.superset.SupersetClient;
import dev.conveyor.review.sessions.superset.SupersetDataset;
import dev.conveyor.review.sessions.superset.SupersetLink;
import dev.conveyor.review.sessions.superset.SupersetUnavailableException;

/** The session's own commands: start and intake, lifecycle, sharing, profile, findings and fields. */
@ApplicationScoped
public class ReviewSessionService {

    private final SessionCommandRunner runner;
    private final SupersetClient superset;
    private final SupersetLinkIntake links;

    public ReviewSessionService(SessionCommandRunner runner, SupersetClient superset, SupersetLinkIntake links) {
        this.runner = runner;
        this.superset = superset;
        this.links = links;
    }

    public DatasetReviewSession create(String user, SessionRequests.CreateSession req) {
        if (req == null) {
            throw SessionProblems.badRequest("body", "a session needs environment_id, source_kind and source_input");
        }
        List<dev.conveyor.common.rest.Problem.FieldError> errors = new ArrayList<>();
        if (req.environmentId() == null || req.environmentId().isBlank()) {
            errors.add(new dev.conveyor.common.rest.Problem.FieldError("environment_id", "is required"));
        } else if (!superset.knows(req.environmentId())) {
            errors.add(new dev.conveyor.common.rest.Problem.FieldError("environment_id",
                    "no configured Superset environment '" + req.environmentId() + "'"));
        }
        if (req.sourceKind() == null) {
            errors.add(new dev.conveyor.common.rest.Problem.FieldError("source_kind",
                    "is required: superset_link or dataset_selection"));
        }
        if (req.sourceInput() == null || req.sourceInput().isBlank()) {
            errors.add(new dev.conveyor.common.rest.Problem.FieldError("source_input", "must be non-empty"));
        }
        if (!errors.isEmpty()) {
            throw dev.conveyor.common.rest.ProblemException.badRequest(errors);
        }
        DatasetReviewSession s = new DatasetReviewSession();
        if (req.sourceKind() == SourceKind.SUPERSET_LINK) {
            // checked against the environment before anything is requested (SSRF)
            SupersetLink link = links.check(req.environmentId(), req.sourceInput().trim());
            s.sessionId = UUID.randomUUID().toString();
            s.userId = user;
            s.environmentId = req.environmentId();
            s.sourceKind = req.sourceKind();
            s.sourceInput = req.sourceInput().trim();
            s.datasetId = SupersetLinkIntake.datasetIdOf(link);
            s.datasetRef = s.datasetId != null ? datasetRef(s.environmentId, s.datasetId)
                    : "superset://" + s.environmentId + "/" + link.kind().name().toLowerCase(java.util.Locale.ROOT)
                            + "/" + (link.dashboard() != null ? link.dashboard()
                                    : link.permalinkKey() != null ? link.permalinkKey()
                                    : link.formDataKey() != null ? link.formDataKey() : String.valueOf(link.sliceId()));
            String linkTask = Readiness.INTAKE_TASK_PREFIX + UUID.randomUUID();
            DatasetReviewSession started = runner.create(s, user,
                    x -> List.of(Change.of(SessionEventType.INTAKE_STARTED, "task_id", linkTask)));
            return intake(started.sessionId, user, linkTask);
        }
        int datasetId = datasetIdOf(req.sourceKind(), req.sourceInput().trim());
        s.sessionId = UUID.randomUUID().toString();
        s.userId = user;
        s.environmentId = req.environmentId();
        s.sourceKind = req.sourceKind();
        s.sourceInput = req.sourceInput().trim();
        s.datasetId = datasetId;
        s.datasetRef = datasetRef(s.environmentId, datasetId);
        String taskId = Readiness.INTAKE_TASK_PREFIX + UUID.randomUUID();
        DatasetReviewSession started = runner.create(s, user,
                x -> List.of(Change.of(SessionEventType.INTAKE_STARTED, "task_id", taskId)));
        return intake(started.sessionId, user, taskId);
    }

    /** Imports (again) from Superset. */
    public DatasetReviewSession reimport(String sessionId, String user, Long ifMatch) {
        String taskId = Readiness.INTAKE_TASK_PREFIX + UUID.randomUUID();
        DatasetReviewSession s = runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), x -> {
            if (x.datasetId == null && x.sourceKind != SourceKind.SUPERSET_LINK) {
                throw SessionProblems.conflict("dataset_id", "the session has no dataset to import");
            }
            return List.of(Change.of(SessionEventType.INTAKE_STARTED, "task_id", taskId));
        });
        return intake(s.sessionId, user, taskId);
    }

    /**
     * Reads Superset outside any transaction, then records the outcome in one event: the whole
     * profile with its fields and findings, or a {@code source_intake} finding. Never half of it.
     */
    DatasetReviewSession intake(String sessionId, String user, String taskId) {
        DatasetReviewSession before = runner.read(sessionId, user);
        if (before.sourceKind == SourceKind.SUPERSET_LINK) {
            // the link is read again whole: dataset, filters and their state (a retry recovers what failed)
            List<Change> read = links.intake(before);
            return runner.run(new Command(sessionId, user, Permission.READ, null, true),
                    s -> taskId.equals(s.activeTaskId) ? read : List.of());
        }
        Change outcome;
        try {
            SupersetDataset dataset = superset.dataset(before.environmentId, before.datasetId);
            DatasetIntakeMapper.Intake intake = DatasetIntakeMapper.map(sessionId, dataset, SessionClock.now());
            outcome = Change.of(SessionEventType.INTAKE_COMPLETED, "profile", intake.profile())
                    .with("fields", intake.fields()).with("findings", intake.findings())
                    .with("dataset_ref", datasetRef(before.environmentId, dataset.id()));
        } catch (SupersetUnavailableException e) {
            boolean missing = e.status() == 404;
            ValidationFinding f = DatasetIntakeMapper.finding(sessionId, FindingArea.SOURCE_INTAKE,
                    FindingSeverity.BLOCKING, missing ? "dataset_not_found" : FindingRules.SUPERSET_UNREACHABLE,
                    missing ? "Superset has no dataset " + before.datasetId : "Superset could not be read",
                    e.getMessage() + ". Nothing was imported; import again when Superset is back.", null,
                    SessionClock.now());
            outcome = Change.of(SessionEventType.INTAKE_FAILED, "finding", f);
        }
        Change recorded = outcome;
        return runner.run(new Command(sessionId, user, Permission.READ, null, true),
                s -> taskId.equals(s.activeTaskId) ? List.of(recorded) : List.of());
    }

    /**
     * Resumes a paused session (owner), or finishes what an interruption left: an intake that never
     * recorded its outcome is run again.
     */
    public DatasetReviewSession resume(String sessionId, String user, Long ifMatch) {
        DatasetReviewSession current = runner.read(sessionId, user);
        DatasetReviewSession s = current;
        if (current.status == SessionStatus.PAUSED) {
            s = runner.run(new Command(sessionId, user, Permission.OWN, ifMatch, false),
                    x -> List.of(Change.of(SessionEventType.STATUS_CHANGED, "status", SessionStatus.ACTIVE)));
        } else if (current.isReadOnly()) {
            throw SessionProblems.conflict("status", "the session is " + current.status.wire() + " and read-only");
        }
        if (s.activeTaskId != null && s.activeTaskId.startsWith(Readiness.INTAKE_TASK_PREFIX)) {
            s = intake(sessionId, user, s.activeTaskId);
        }
        return s;
    }

    public DatasetReviewSession changeStatus(String sessionId, String user, Long ifMatch,
            SessionRequests.ChangeStatus req) {
        if (req == null || req.status() == null) {
            throw SessionProblems.badRequest("status", "is required");
        }
        return runner.run(new Command(sessionId, user, Permission.OWN, ifMatch, false), s -> {
            if (!SessionLifecycle.allows(s.status, req.status())) {
                throw SessionProblems.conflict("status", "a " + s.status.wire() + " session cannot become "
                        + req.status().wire());
            }
            return List.of(Change.of(SessionEventType.STATUS_CHANGED, "status", req.status()));
        });
    }

    public DatasetReviewSession addCollaborator(String sessionId, String user, Long ifMatch, String collaborator,
            SessionRequests.AddCollaborator req) {
        if (req == null || req.role() == null) {
            throw SessionProblems.badRequest("role", "is required: viewer, reviewer or approver");
        }
        if (collaborator == null || collaborator.isBlank()) {
            throw SessionProblems.badRequest("user_id", "is required");
        }
        return runner.run(new Command(sessionId, user, Permission.OWN, ifMatch, false), s -> {
            if (collaborator.equals(s.userId)) {
                throw SessionProblems.badRequest("user_id", "the owner is not a collaborator");
            }
            SessionCollaborator c = new SessionCollaborator(collaborator, req.role(), SessionClock.now());
            return List.of(Change.of(SessionEventType.COLLABORATOR_ADDED, "collaborator", c));
        });
    }

    public DatasetReviewSession removeCollaborator(String sessionId, String user, Long ifMatch, String collaborator) {
        return runner.run(new Command(sessionId, user, Permission.OWN, ifMatch, false), s -> {
            if (s.collaborators.stream().noneMatch(c -> c.userId.equals(collaborator))) {
                throw SessionProblems.notFound("user_id", "no collaborator " + collaborator);
            }
            return List.of(Change.of(SessionEventType.COLLABORATOR_REMOVED, "user_id", collaborator));
        });
    }

    public DatasetReviewSession editProfile(String sessionId, String user, Long ifMatch,
            SessionRequests.EditProfile req) {
        if (req == null || req.businessSummary() == null && req.description() == null
                && req.businessSummarySource() == null) {
            throw SessionProblems.badRequest("body", "give business_summary, description or business_summary_source");
        }
        if (req.businessSummary() != null && req.businessSummary().isBlank()) {
            throw SessionProblems.badRequest("business_summary", "must not be blank");
        }
        if (req.businessSummarySource() != null && req.businessSummarySource() != BusinessSummarySource.CONFIRMED) {
            throw SessionProblems.badRequest("business_summary_source",
                    "only 'confirmed' may be given; the other values follow from how the summary was made");
        }
        // confirming the summary is an approval
        Permission needed = req.businessSummarySource() != null ? Permission.APPROVE : Permission.REVIEW;
        return runner.run(new Command(sessionId, user, needed, ifMatch, false), s -> {
            if (s.profile == null) {
                throw SessionProblems.conflict("profile", "nothing imported yet: import from Superset first");
            }
            DatasetProfile p = Change.copy(s.profile);
            if (req.businessSummary() != null) {
                p.businessSummary = req.businessSummary().trim();
                p.businessSummarySource = BusinessSummarySource.MANUAL_OVERRIDE;
                p.manualSummaryLocked = true;
            }
            if (req.description() != null) {
                p.description = req.description().isBlank() ? null : req.description().trim();
            }
            if (req.businessSummarySource() == BusinessSummarySource.CONFIRMED && req.businessSummary() == null) {
                p.businessSummarySource = BusinessSummarySource.CONFIRMED;
            }
            p.updatedAt = SessionClock.now();
            return List.of(Change.of(SessionEventType.PROFILE_UPDATED, "profile", p));
        });
    }

    public DatasetReviewSession resolveFinding(String sessionId, String user, Long ifMatch, String findingId,
            SessionRequests.ResolveFinding req) {
        if (req == null || req.resolutionState() == null) {
            throw SessionProblems.badRequest("resolution_state", "is required");
        }
        Permission needed = req.resolutionState() == ResolutionState.APPROVED ? Permission.APPROVE : Permission.REVIEW;
        return runner.run(new Command(sessionId, user, needed, ifMatch, false), s -> {
            ValidationFinding f = Change.copy(s.findings.stream().filter(x -> x.findingId.equals(findingId))
                    .findFirst().orElseThrow(() -> SessionProblems.notFound("finding_id", "no finding " + findingId)));
            if (f.resolutionState == req.resolutionState()) {
                throw SessionProblems.conflict("resolution_state", "the finding is already "
                        + f.resolutionState.wire());
            }
            f.resolutionState = req.resolutionState();
            f.resolutionNote = req.resolutionNote();
            f.resolvedAt = f.isOpen() ? null : SessionClock.now();
            return List.of(Change.of(SessionEventType.FINDING_UPDATED, "finding", f));
        });
    }

    /** A person's value: locked against every later import or proposal (manual intent invariant). */
    public DatasetReviewSession editField(String sessionId, String user, Long ifMatch, String fieldId,
            SessionRequests.EditField req) {
        if (req == null || req.verboseName() == null && req.description() == null && req.displayFormat() == null) {
            throw SessionProblems.badRequest("body", "give verbose_name, description or display_format");
        }
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            SemanticFieldEntry f = Change.copy(field(s, fieldId));
            if (req.verboseName() != null) {
                f.verboseName = blankToNull(req.verboseName());
            }
            if (req.description() != null) {
                f.description = blankToNull(req.description());
            }
            if (req.displayFormat() != null) {
                f.displayFormat = blankToNull(req.displayFormat());
            }
            f.provenance = FieldProvenance.MANUAL_OVERRIDE;
            f.isLocked = true;
            f.needsReview = false;
            f.sourceId = null;
            f.confidenceRank = null;
            f.lastChangedBy = ChangedBy.USER;
            f.updatedAt = SessionClock.now();
            return List.of(Change.of(SessionEventType.FIELD_UPDATED, "field", f));
        });
    }

    public DatasetReviewSession fieldFeedback(String sessionId, String user, Long ifMatch, String fieldId,
            SessionRequests.FieldFeedback req) {
        if (req == null) {
            throw SessionProblems.badRequest("user_feedback", "is required: up, down or null");
        }
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            SemanticFieldEntry f = Change.copy(field(s, fieldId));
            f.userFeedback = req.userFeedback();
            f.updatedAt = SessionClock.now();
            return List.of(Change.of(SessionEventType.FIELD_UPDATED, "field", f));
        });
    }

    /** A person takes a candidate: its value becomes the field's, confirmed, with the candidate's provenance. */
    public DatasetReviewSession acceptCandidate(String sessionId, String user, Long ifMatch, String fieldId,
            String candidateId) {
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            SemanticFieldEntry f = Change.copy(field(s, fieldId));
            SemanticCandidate c = f.candidates.stream().filter(x -> x.candidateId.equals(candidateId)).findFirst()
                    .orElseThrow(() -> SessionProblems.notFound("candidate_id", "no candidate " + candidateId));
            SemanticEnrichment.take(f, c, SessionClock.now());
            f.needsReview = false;
            f.isLocked = false;
            f.lastChangedBy = ChangedBy.USER;
            return List.of(Change.of(SessionEventType.FIELD_UPDATED, "field", f));
        });
    }

    /** A person confirms a tentative (fuzzy or generated) value as it stands. */
    public DatasetReviewSession confirmField(String sessionId, String user, Long ifMatch, String fieldId) {
        return runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false), s -> {
            SemanticFieldEntry f = Change.copy(field(s, fieldId));
            if (!f.needsReview && !f.hasConflict) {
                throw SessionProblems.conflict("needs_review", "the field needs no review");
            }
            f.needsReview = false;
            f.hasConflict = false;
            f.candidates.stream().filter(c -> c.status == CandidateStatus.PROPOSED)
                    .forEach(c -> c.status = CandidateStatus.SUPERSEDED);
            f.lastChangedBy = ChangedBy.USER;
            f.updatedAt = SessionClock.now();
            return List.of(Change.of(SessionEventType.FIELD_UPDATED, "field", f));
        });
    }

    static SemanticFieldEntry field(DatasetReviewSession s, String fieldId) {
        return s.fields.stream().filter(x -> x.fieldId.equals(fieldId)).findFirst()
                .orElseThrow(() -> SessionProblems.notFound("field_id", "no field " + fieldId));
    }

    /** A dataset selection is a Superset dataset id; links are read by {@link SupersetLinkIntake}. */
    static int datasetIdOf(SourceKind kind, String input) {
        try {
            int id = Integer.parseInt(input);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw SessionProblems.badRequest("source_input", "a dataset selection is a Superset dataset id (a positive integer)");
    }

    static String datasetRef(String environmentId, int datasetId) {
        return "superset://" + environmentId + "/dataset/" + datasetId;
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

}
