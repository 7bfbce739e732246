package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The readiness table, row by row: every state the part-1 contents can reach, and the derived flags. */
class ReadinessTest {

    static Stream<Arguments> table() {
        return Stream.of(
                row("nothing imported", Sessions::empty, ReadinessState.EMPTY, RecommendedAction.IMPORT_FROM_SUPERSET),
                row("intake running", () -> {
                    DatasetReviewSession s = Sessions.empty();
                    s.activeTaskId = Readiness.INTAKE_TASK_PREFIX + "1";
                    return s;
                }, ReadinessState.IMPORTING, RecommendedAction.RESUME_SESSION),
                row("intake failed", () -> {
                    DatasetReviewSession s = Sessions.empty();
                    Sessions.finding(s, FindingArea.SOURCE_INTAKE, FindingSeverity.BLOCKING, ResolutionState.OPEN);
                    return s;
                }, ReadinessState.RECOVERY_REQUIRED, RecommendedAction.IMPORT_FROM_SUPERSET),
                row("profile finding open", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.finding(s, FindingArea.DATASET_PROFILE, FindingSeverity.WARNING, ResolutionState.OPEN);
                    return s;
                }, ReadinessState.REVIEW_READY, RecommendedAction.REVIEW_DOCUMENTATION),
                row("a source waits to be applied", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.source(s, SemanticSourceStatus.AVAILABLE);
                    return s;
                }, ReadinessState.SEMANTIC_SOURCE_REVIEW_NEEDED, RecommendedAction.APPLY_SEMANTIC_SOURCE),
                row("a fuzzy value needs review", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.field(s, "a", FieldProvenance.FUZZY_INFERRED).needsReview = true;
                    return s;
                }, ReadinessState.SEMANTIC_SOURCE_REVIEW_NEEDED, RecommendedAction.APPLY_SEMANTIC_SOURCE),
                row("a locked field's conflict needs nothing", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    SemanticFieldEntry f = Sessions.field(s, "a", FieldProvenance.MANUAL_OVERRIDE);
                    f.isLocked = true;
                    f.hasConflict = true;
                    return s;
                }, ReadinessState.COMPILED_PREVIEW_READY, RecommendedAction.GENERATE_SQL_PREVIEW),
                row("clarification under way", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.finding(s, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.WARNING, ResolutionState.OPEN);
                    Sessions.clarification(s, ClarificationStatus.ACTIVE, "q1");
                    return s;
                }, ReadinessState.CLARIFICATION_ACTIVE, RecommendedAction.ANSWER_NEXT_QUESTION),
                row("semantic findings open", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.finding(s, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.WARNING, ResolutionState.OPEN);
                    return s;
                }, ReadinessState.CLARIFICATION_NEEDED, RecommendedAction.START_CLARIFICATION),
                row("clarification done, a finding skipped", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.finding(s, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.WARNING,
                            ResolutionState.SKIPPED);
                    Sessions.clarification(s, ClarificationStatus.COMPLETED, null);
                    return s;
                }, ReadinessState.COMPILED_PREVIEW_READY, RecommendedAction.GENERATE_SQL_PREVIEW),
                row("a blocking finding elsewhere", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.finding(s, FindingArea.AUDIT, FindingSeverity.BLOCKING, ResolutionState.OPEN);
                    return s;
                }, ReadinessState.PARTIALLY_READY, RecommendedAction.COMPLETE_REQUIRED_VALUES),
                row("all reviewed: the compiled preview is next", Sessions::imported,
                        ReadinessState.COMPILED_PREVIEW_READY, RecommendedAction.GENERATE_SQL_PREVIEW),
                row("a required variable without a value", () -> {
                    DatasetReviewSession s = Sessions.launchable();
                    s.mappings.clear();
                    return s;
                }, ReadinessState.MAPPING_REVIEW_NEEDED, RecommendedAction.COMPLETE_REQUIRED_VALUES),
                row("a mapping awaits approval", () -> {
                    DatasetReviewSession s = Sessions.launchable();
                    s.mappings.get(0).requiresExplicitApproval = true;
                    s.mappings.get(0).approvalState = ApprovalState.PENDING;
                    return s;
                }, ReadinessState.MAPPING_REVIEW_NEEDED, RecommendedAction.APPROVE_MAPPING),
                row("a launch-sensitive warning is open", () -> {
                    DatasetReviewSession s = Sessions.launchable();
                    Sessions.finding(s, FindingArea.TEMPLATE_MAPPING, FindingSeverity.WARNING, ResolutionState.OPEN)
                            .launchSensitive = true;
                    return s;
                }, ReadinessState.MAPPING_REVIEW_NEEDED, RecommendedAction.APPROVE_MAPPING),
                row("the invariant holds", Sessions::launchable, ReadinessState.RUN_READY,
                        RecommendedAction.LAUNCH_DATASET),
                row("the preview's inputs changed", () -> {
                    DatasetReviewSession s = Sessions.launchable();
                    s.mappings.get(0).effectiveValue = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                            .arrayNode().add("US");
                    return s;
                }, ReadinessState.COMPILED_PREVIEW_READY, RecommendedAction.GENERATE_SQL_PREVIEW),
                row("Superset failed to compile", () -> {
                    DatasetReviewSession s = Sessions.launchable();
                    s.previews.get(0).previewStatus = PreviewStatus.FAILED;
                    return s;
                }, ReadinessState.RECOVERY_REQUIRED, RecommendedAction.GENERATE_SQL_PREVIEW),
                row("SQL Lab is taking the launch", () -> {
                    DatasetReviewSession s = Sessions.launchable();
                    s.activeTaskId = "launch:1";
                    return s;
                }, ReadinessState.RUN_IN_PROGRESS, RecommendedAction.RESUME_SESSION),
                row("the current inputs run asynchronously", () -> Sessions.launched(LaunchStatus.STARTED),
                        ReadinessState.RUN_IN_PROGRESS, RecommendedAction.RESUME_SESSION),
                row("the current inputs ran", () -> Sessions.launched(LaunchStatus.SUCCESS),
                        ReadinessState.COMPLETED, RecommendedAction.EXPORT_OUTPUTS),
                row("the launch failed", () -> Sessions.launched(LaunchStatus.FAILED),
                        ReadinessState.RECOVERY_REQUIRED, RecommendedAction.LAUNCH_DATASET),
                row("a run outranks documentation warnings", () -> {
                    DatasetReviewSession s = Sessions.launched(LaunchStatus.SUCCESS);
                    Sessions.finding(s, FindingArea.DATASET_PROFILE, FindingSeverity.WARNING, ResolutionState.OPEN);
                    return s;
                }, ReadinessState.COMPLETED, RecommendedAction.EXPORT_OUTPUTS),
                row("a run of other inputs no longer counts", () -> {
                    DatasetReviewSession s = Sessions.launched(LaunchStatus.SUCCESS);
                    s.previews.get(0).previewStatus = PreviewStatus.STALE;
                    return s;
                }, ReadinessState.COMPILED_PREVIEW_READY, RecommendedAction.GENERATE_SQL_PREVIEW),
                row("completed", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    s.status = SessionStatus.COMPLETED;
                    return s;
                }, ReadinessState.COMPLETED, RecommendedAction.EXPORT_OUTPUTS),
                row("paused: resume first, readiness from the contents", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.finding(s, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.WARNING, ResolutionState.OPEN);
                    s.status = SessionStatus.PAUSED;
                    return s;
                }, ReadinessState.CLARIFICATION_NEEDED, RecommendedAction.RESUME_SESSION),
                row("archived: only exports are left", () -> {
                    DatasetReviewSession s = Sessions.imported();
                    s.status = SessionStatus.ARCHIVED;
                    return s;
                }, ReadinessState.COMPILED_PREVIEW_READY, RecommendedAction.EXPORT_OUTPUTS));
    }

    private static Arguments row(String name, Supplier<DatasetReviewSession> contents, ReadinessState state,
            RecommendedAction action) {
        return Arguments.of(name, contents, state, action);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void readinessFollowsTheContents(String name, Supplier<DatasetReviewSession> contents, ReadinessState state,
            RecommendedAction action) {
        Readiness.Verdict v = Readiness.derive(contents.get());
        assertThat(v.readinessState()).isEqualTo(state);
        assertThat(v.recommendedAction()).isEqualTo(action);
        assertThat(v.phase()).isEqualTo(Readiness.phaseOf(state));
    }

    @Test
    void everyStateIsReachedByTheTable() {
        Set<ReadinessState> reached = EnumSet.noneOf(ReadinessState.class);
        table().forEach(a -> reached.add(Readiness.derive(
                ((Supplier<DatasetReviewSession>) a.get()[1]).get()).readinessState()));
        assertThat(EnumSet.complementOf(EnumSet.copyOf(reached))).isEmpty();
    }

    static Stream<Arguments> confidence() {
        return Stream.of(
                Arguments.of("no profile", (Supplier<DatasetReviewSession>) Sessions::empty, ConfidenceState.UNRESOLVED),
                Arguments.of("a blocking finding outweighs everything confirmed", (Supplier<DatasetReviewSession>) () -> {
                    DatasetReviewSession s = Sessions.imported();
                    s.profile.businessSummarySource = BusinessSummarySource.CONFIRMED;
                    Sessions.field(s, "a", FieldProvenance.MANUAL_OVERRIDE);
                    Sessions.finding(s, FindingArea.AUDIT, FindingSeverity.BLOCKING, ResolutionState.OPEN);
                    return s;
                }, ConfidenceState.UNRESOLVED),
                Arguments.of("an open warning", (Supplier<DatasetReviewSession>) () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.finding(s, FindingArea.AUDIT, FindingSeverity.WARNING, ResolutionState.OPEN);
                    return s;
                }, ConfidenceState.LOW_CONFIDENCE),
                Arguments.of("a conflict", (Supplier<DatasetReviewSession>) () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.field(s, "a", FieldProvenance.DICTIONARY_EXACT).hasConflict = true;
                    return s;
                }, ConfidenceState.LOW_CONFIDENCE),
                Arguments.of("a fuzzy value", (Supplier<DatasetReviewSession>) () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.field(s, "a", FieldProvenance.FUZZY_INFERRED);
                    return s;
                }, ConfidenceState.MIXED),
                Arguments.of("a finding left to an expert", (Supplier<DatasetReviewSession>) () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.finding(s, FindingArea.CLARIFICATION, FindingSeverity.WARNING,
                            ResolutionState.EXPERT_REVIEW);
                    return s;
                }, ConfidenceState.MIXED),
                Arguments.of("imported values, nothing open", (Supplier<DatasetReviewSession>) () -> {
                    DatasetReviewSession s = Sessions.imported();
                    Sessions.field(s, "a", FieldProvenance.REFERENCE_IMPORTED);
                    return s;
                }, ConfidenceState.MOSTLY_CONFIRMED),
                Arguments.of("everything confirmed", (Supplier<DatasetReviewSession>) () -> {
                    DatasetReviewSession s = Sessions.imported();
                    s.profile.businessSummarySource = BusinessSummarySource.CONFIRMED;
                    Sessions.field(s, "a", FieldProvenance.MANUAL_OVERRIDE);
                    Sessions.field(s, "b", FieldProvenance.DICTIONARY_EXACT);
                    return s;
                }, ConfidenceState.CONFIRMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("confidence")
    void confidenceIsTheHighestUnresolvedRisk(String name, Supplier<DatasetReviewSession> contents,
            ConfidenceState expected) {
        assertThat(Readiness.derive(contents.get()).confidenceState()).isEqualTo(expected);
    }

    @Test
    void flagsAndCompletenessFollowTheFindingsAndFields() {
        DatasetReviewSession s = Sessions.imported();
        Sessions.field(s, "a", FieldProvenance.DICTIONARY_EXACT);
        Sessions.field(s, "b", FieldProvenance.UNRESOLVED);
        Sessions.finding(s, FindingArea.AUDIT, FindingSeverity.WARNING, ResolutionState.OPEN);
        Sessions.finding(s, FindingArea.AUDIT, FindingSeverity.BLOCKING, ResolutionState.RESOLVED);
        Readiness.apply(s);
        assertThat(s.profile.hasWarningFindings).isTrue();
        assertThat(s.profile.hasBlockingFindings).isFalse();
        assertThat(s.profile.completenessScore).isEqualTo(0.5);
        assertThat(s.readinessState).isNotNull();
        assertThat(s.recommendedAction).isNotNull();
    }
}
