package dev.conveyor.review.sessions;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import dev.conveyor.review.sessions.execution.MappingRules;
import dev.conveyor.review.sessions.execution.RunReadiness;

/**
 * The one pure function from a session's contents to its derived state: {@code readiness_state},
 * {@code recommended_action}, {@code current_phase}, and the profile's {@code confidence_state},
 * {@code has_blocking_findings}, {@code has_warning_findings} and {@code completeness_score}.
 * Nothing else writes those fields, so they can never be set by hand or drift from the contents.
 * <p>
 * Readiness is the first matching rule of an ordered table (see docs/dataset-review.md). Part 2
 * (mappings, preview, launch) adds the launch's outcome near the top (a run of the current inputs
 * outranks documentation warnings) and its mapping, preview and run-ready rules before
 * {@link #PART_ONE_DONE}, which is now only the table's fallback.
 */
public final class Readiness {

    /** One row of the table. */
    public record Rule(String name, Predicate<DatasetReviewSession> when, ReadinessState state,
            RecommendedAction action) {
    }

    /** What the contents say. */
    public record Verdict(ReadinessState readinessState, RecommendedAction recommendedAction, SessionPhase phase,
            ConfidenceState confidenceState, boolean hasBlockingFindings, boolean hasWarningFindings,
            Double completenessScore) {
    }

    /** The intake task id prefix in {@code active_task_id} while Superset is being read. */
    public static final String INTAKE_TASK_PREFIX = "intake:";

    static final Rule PART_ONE_DONE = new Rule("reviewed; the compiled preview comes next",
            s -> true, ReadinessState.PARTIALLY_READY, RecommendedAction.GENERATE_SQL_PREVIEW);

    public static final List<Rule> RULES = List.of(
            new Rule("session completed", s -> s.status == SessionStatus.COMPLETED,
                    ReadinessState.COMPLETED, RecommendedAction.EXPORT_OUTPUTS),
            new Rule("intake running", Readiness::intakeRunning,
                    ReadinessState.IMPORTING, RecommendedAction.RESUME_SESSION),
            new Rule("SQL Lab is taking the launch", Readiness::launchRunning,
                    ReadinessState.RUN_IN_PROGRESS, RecommendedAction.RESUME_SESSION),
            new Rule("the current inputs ran to success", s -> currentRun(s, LaunchStatus.SUCCESS),
                    ReadinessState.COMPLETED, RecommendedAction.EXPORT_OUTPUTS),
            new Rule("the current inputs run in SQL Lab", s -> currentRun(s, LaunchStatus.STARTED),
                    ReadinessState.RUN_IN_PROGRESS, RecommendedAction.RESUME_SESSION),
            new Rule("the launch of the current inputs failed", s -> currentRun(s, LaunchStatus.FAILED),
                    ReadinessState.RECOVERY_REQUIRED, RecommendedAction.LAUNCH_DATASET),
            new Rule("intake failed", s -> s.profile == null && hasOpen(s, f -> f.area == FindingArea.SOURCE_INTAKE),
                    ReadinessState.RECOVERY_REQUIRED, RecommendedAction.IMPORT_FROM_SUPERSET),
            new Rule("nothing imported yet", s -> s.profile == null,
                    ReadinessState.EMPTY, RecommendedAction.IMPORT_FROM_SUPERSET),
            new Rule("open findings on the intake or the profile",
                    s -> hasOpen(s, f -> f.area == FindingArea.SOURCE_INTAKE || f.area == FindingArea.DATASET_PROFILE),
                    ReadinessState.REVIEW_READY, RecommendedAction.REVIEW_DOCUMENTATION),
            new Rule("fields to review or a source to apply", Readiness::semanticReviewPending,
                    ReadinessState.SEMANTIC_SOURCE_REVIEW_NEEDED, RecommendedAction.APPLY_SEMANTIC_SOURCE),
            new Rule("clarification under way", Readiness::clarificationActive,
                    ReadinessState.CLARIFICATION_ACTIVE, RecommendedAction.ANSWER_NEXT_QUESTION),
            new Rule("open semantic or clarification findings", Readiness::clarificationNeeded,
                    ReadinessState.CLARIFICATION_NEEDED, RecommendedAction.START_CLARIFICATION),
            new Rule("blocking findings remain", s -> hasOpen(s, f -> f.severity == FindingSeverity.BLOCKING),
                    ReadinessState.PARTIALLY_READY, RecommendedAction.COMPLETE_REQUIRED_VALUES),
            // part 2: mappings, the compiled preview, the run readiness invariant (seed §11)
            new Rule("Superset could not compile the preview", Readiness::previewFailed,
                    ReadinessState.RECOVERY_REQUIRED, RecommendedAction.GENERATE_SQL_PREVIEW),
            new Rule("a required variable has no value", s -> RunReadiness.mappingConditions(s).stream()
                    .anyMatch(u -> u.code().equals(RunReadiness.REQUIRED_VALUE_MISSING)),
                    ReadinessState.MAPPING_REVIEW_NEEDED, RecommendedAction.COMPLETE_REQUIRED_VALUES),
            new Rule("a mapping or a launch-sensitive warning awaits approval", Readiness::approvalPending,
                    ReadinessState.MAPPING_REVIEW_NEEDED, RecommendedAction.APPROVE_MAPPING),
            new Rule("the run readiness invariant holds", s -> RunReadiness.unmet(s).isEmpty(),
                    ReadinessState.RUN_READY, RecommendedAction.LAUNCH_DATASET),
            new Rule("mappings complete: the compiled preview is next (none, stale or pending)", s -> true,
                    ReadinessState.COMPILED_PREVIEW_READY, RecommendedAction.GENERATE_SQL_PREVIEW),
            PART_ONE_DONE);

    private static final Set<SessionStatus> CLOSED = EnumSet.of(SessionStatus.ARCHIVED, SessionStatus.CANCELLED);

    private Readiness() {
    }

    public static Verdict derive(DatasetReviewSession s) {
        Rule rule = RULES.stream().filter(r -> r.when().test(s)).findFirst().orElse(PART_ONE_DONE);
        RecommendedAction action = rule.action();
        if (s.status == SessionStatus.PAUSED) {
            action = RecommendedAction.RESUME_SESSION;
        } else if (CLOSED.contains(s.status)) {
            action = RecommendedAction.EXPORT_OUTPUTS; // read-only: sharing what was found is all that is left
        }
        boolean blocking = hasOpen(s, f -> f.severity == FindingSeverity.BLOCKING);
        boolean warning = hasOpen(s, f -> f.severity == FindingSeverity.WARNING);
        return new Verdict(rule.state(), action, phaseOf(rule.state()), confidence(s, blocking, warning), blocking,
                warning, completeness(s));
    }

    /** Writes the verdict into the session; called after every change. */
    public static void apply(DatasetReviewSession s) {
        for (TemplateVariable t : s.templateVariables) {
            t.mappingStatus = MappingRules.statusOf(s, t);
        }
        Verdict v = derive(s);
        s.readinessState = v.readinessState();
        s.recommendedAction = v.recommendedAction();
        s.currentPhase = v.phase();
        if (s.profile != null) {
            s.profile.confidenceState = v.confidenceState();
            s.profile.hasBlockingFindings = v.hasBlockingFindings();
            s.profile.hasWarningFindings = v.hasWarningFindings();
            s.profile.completenessScore = v.completenessScore();
        }
    }

    static SessionPhase phaseOf(ReadinessState state) {
        return switch (state) {
            case EMPTY, IMPORTING -> SessionPhase.INTAKE;
            case RECOVERY_REQUIRED -> SessionPhase.RECOVERY;
            case REVIEW_READY, PARTIALLY_READY -> SessionPhase.REVIEW;
            case SEMANTIC_SOURCE_REVIEW_NEEDED -> SessionPhase.SEMANTIC_REVIEW;
            case CLARIFICATION_NEEDED, CLARIFICATION_ACTIVE -> SessionPhase.CLARIFICATION;
            case MAPPING_REVIEW_NEEDED -> SessionPhase.MAPPING_REVIEW;
            case COMPILED_PREVIEW_READY -> SessionPhase.PREVIEW;
            case RUN_READY, RUN_IN_PROGRESS -> SessionPhase.LAUNCH;
            case COMPLETED -> SessionPhase.POST_RUN;
        };
    }

    /**
     * The highest unresolved risk wins: a blocking finding makes everything {@code unresolved}
     * however confident the rest is.
     */
    static ConfidenceState confidence(DatasetReviewSession s, boolean blocking, boolean warning) {
        if (s.profile == null || blocking) {
            return ConfidenceState.UNRESOLVED;
        }
        if (warning || s.fields.stream().anyMatch(f -> f.hasConflict)) {
            return ConfidenceState.LOW_CONFIDENCE;
        }
        boolean deferred = s.findings.stream().anyMatch(f -> f.resolutionState == ResolutionState.EXPERT_REVIEW
                || f.resolutionState == ResolutionState.DEFERRED);
        boolean tentative = s.fields.stream().anyMatch(f -> f.needsReview || f.provenance == FieldProvenance.UNRESOLVED
                || f.provenance == FieldProvenance.FUZZY_INFERRED || f.provenance == FieldProvenance.AI_GENERATED);
        if (deferred || tentative || s.profile.businessSummarySource == BusinessSummarySource.AI_DRAFT) {
            return ConfidenceState.MIXED;
        }
        boolean summaryConfirmed = s.profile.businessSummarySource == BusinessSummarySource.CONFIRMED
                || s.profile.businessSummarySource == BusinessSummarySource.MANUAL_OVERRIDE;
        boolean fieldsConfirmed = s.fields.stream().allMatch(f -> f.provenance == FieldProvenance.MANUAL_OVERRIDE
                || f.provenance == FieldProvenance.DICTIONARY_EXACT || f.userFeedback == UserFeedback.UP);
        return summaryConfirmed && fieldsConfirmed ? ConfidenceState.CONFIRMED : ConfidenceState.MOSTLY_CONFIRMED;
    }

    /** Share of fields with both a label and a description; null before intake. */
    static Double completeness(DatasetReviewSession s) {
        if (s.profile == null) {
            return null;
        }
        if (s.fields.isEmpty()) {
            return 0.0;
        }
        long complete = s.fields.stream().filter(f -> !f.isIncomplete()).count();
        return Math.round(1000.0 * complete / s.fields.size()) / 1000.0;
    }

    static boolean launchRunning(DatasetReviewSession s) {
        return s.activeTaskId != null && s.activeTaskId.startsWith(RunReadiness.LAUNCH_TASK_PREFIX);
    }

    /** The latest launch ran exactly the current preview, which still matches the inputs. */
    static boolean currentRun(DatasetReviewSession s, LaunchStatus status) {
        if (s.lastRunContextId == null) {
            return false;
        }
        DatasetRunContext run = s.runContexts.stream().filter(r -> r.runContextId.equals(s.lastRunContextId))
                .findFirst().orElse(null);
        return run != null && run.launchStatus == status && run.previewId.equals(s.lastPreviewId)
                && RunReadiness.previewConditions(s).isEmpty();
    }

    static boolean previewFailed(DatasetReviewSession s) {
        CompiledPreview p = RunReadiness.currentPreview(s);
        return p != null && p.previewStatus == PreviewStatus.FAILED;
    }

    static boolean approvalPending(DatasetReviewSession s) {
        return RunReadiness.mappingConditions(s).stream()
                .anyMatch(u -> u.code().equals(RunReadiness.MAPPING_APPROVAL_PENDING))
                || hasOpen(s, f -> f.launchSensitive);
    }

    static boolean intakeRunning(DatasetReviewSession s) {
        return s.activeTaskId != null && s.activeTaskId.startsWith(INTAKE_TASK_PREFIX);
    }

    static boolean semanticReviewPending(DatasetReviewSession s) {
        boolean fieldToReview = s.fields.stream().anyMatch(f -> !f.isLocked && (f.needsReview || f.hasConflict));
        boolean sourceWaiting = s.semanticSources.stream().anyMatch(src -> src.status == SemanticSourceStatus.AVAILABLE
                || src.status == SemanticSourceStatus.SELECTED);
        return fieldToReview || sourceWaiting;
    }

    static boolean clarificationActive(DatasetReviewSession s) {
        return s.clarification != null && s.clarification.status == ClarificationStatus.ACTIVE
                && s.clarification.currentQuestionId != null;
    }

    static boolean clarificationNeeded(DatasetReviewSession s) {
        boolean finished = s.clarification != null && (s.clarification.status == ClarificationStatus.COMPLETED
                || s.clarification.status == ClarificationStatus.CANCELLED);
        return !finished && hasOpen(s, f -> f.area == FindingArea.SEMANTIC_ENRICHMENT
                || f.area == FindingArea.CLARIFICATION);
    }

    static boolean hasOpen(DatasetReviewSession s, Predicate<ValidationFinding> which) {
        return s.findings.stream().anyMatch(f -> f.isOpen() && which.test(f));
    }
}
