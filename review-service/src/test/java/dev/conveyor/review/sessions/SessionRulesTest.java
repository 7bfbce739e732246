package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.conveyor.review.sessions.SessionAccess.Permission;

/** Lifecycle, access by role, enum wire values, enrichment ranking and clarification answers. */
class SessionRulesTest {

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource({
            "active, paused, true", "active, completed, true", "active, archived, true", "active, cancelled, true",
            "paused, active, true", "paused, completed, false", "paused, archived, true", "paused, cancelled, true",
            "completed, active, false", "completed, archived, true", "completed, cancelled, false",
            "archived, active, false", "archived, paused, false", "cancelled, active, false",
            "cancelled, archived, false"})
    void statusMovesAsTheLifecycleAllows(String from, String to, boolean allowed) {
        assertThat(SessionLifecycle.allows(SessionStatus.from(from), SessionStatus.from(to))).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "{0} wants {1}: {2}")
    @CsvSource({
            "owner, OWN, true", "owner, APPROVE, true",
            "viewer, READ, true", "viewer, REVIEW, false",
            "reviewer, REVIEW, true", "reviewer, APPROVE, false",
            "approver, APPROVE, true", "approver, OWN, false",
            "stranger, READ, false"})
    void rolesAllowWhatTheyShould(String user, Permission wanted, boolean allowed) {
        DatasetReviewSession s = Sessions.empty();
        s.userId = "owner";
        s.collaborators.add(new SessionCollaborator("viewer", CollaboratorRole.VIEWER, Sessions.T0));
        s.collaborators.add(new SessionCollaborator("reviewer", CollaboratorRole.REVIEWER, Sessions.T0));
        s.collaborators.add(new SessionCollaborator("approver", CollaboratorRole.APPROVER, Sessions.T0));
        assertThat(SessionAccess.allows(s, user, wanted)).isEqualTo(allowed);
        assertThat(SessionAccess.canSee(s, user)).isEqualTo(!user.equals("stranger"));
    }

    @Test
    void enumsReadAndWriteTheSeedsValuesOnly() {
        assertThat(ReadinessState.from("semantic_source_review_needed"))
                .isEqualTo(ReadinessState.SEMANTIC_SOURCE_REVIEW_NEEDED);
        assertThat(FieldProvenance.MANUAL_OVERRIDE.wire()).isEqualTo("manual_override");
        assertThatThrownBy(() -> SessionStatus.from("ACTIVE")).hasMessageContaining("must be one of active, paused");
    }

    @Test
    void candidatesRankExactOverReferenceOverFuzzyOverGenerated() {
        assertThat(List.of(CandidateMatchType.GENERATED, CandidateMatchType.FUZZY, CandidateMatchType.EXACT,
                CandidateMatchType.REFERENCE).stream().sorted((a, b) -> SemanticEnrichment.rankOf(a)
                        - SemanticEnrichment.rankOf(b)).toList())
                .containsExactly(CandidateMatchType.EXACT, CandidateMatchType.REFERENCE, CandidateMatchType.FUZZY,
                        CandidateMatchType.GENERATED);
    }

    @Test
    void exactAndFuzzyMatchesAndTheirReviewNeed() {
        DatasetReviewSession s = Sessions.imported();
        SemanticFieldEntry exact = Sessions.field(s, "order_total", FieldProvenance.UNRESOLVED);
        SemanticFieldEntry fuzzy = Sessions.field(s, "cust_region", FieldProvenance.UNRESOLVED);
        SemanticFieldEntry none = Sessions.field(s, "zzz", FieldProvenance.UNRESOLVED);
        SemanticSource dict = Sessions.source(s, SemanticSourceStatus.AVAILABLE);
        List<SemanticEnrichment.Entry> entries = List.of(
                new SemanticEnrichment.Entry("order_total", "Order total", "Gross amount", ",.2f"),
                new SemanticEnrichment.Entry("customer_region", "Region", "Sales region", null));
        SemanticCandidate c1 = SemanticEnrichment.match(exact, dict, entries, Sessions.T0).orElseThrow();
        assertThat(c1.matchType).isEqualTo(CandidateMatchType.EXACT);
        assertThat(c1.confidenceScore).isEqualTo(1.0);
        assertThat(SemanticEnrichment.match(none, dict, entries, Sessions.T0)).isEmpty();
        // "custregion" vs "customerregion" is below the threshold; a closer name is fuzzy
        SemanticFieldEntry close = Sessions.field(s, "customer_regions", FieldProvenance.UNRESOLVED);
        SemanticCandidate c2 = SemanticEnrichment.match(close, dict, entries, Sessions.T0).orElseThrow();
        assertThat(c2.matchType).isEqualTo(CandidateMatchType.FUZZY);
        assertThat(c2.confidenceScore).isBetween(0.0, 0.8);
        SemanticEnrichment.record(close, c2, Sessions.T0);
        assertThat(SemanticEnrichment.applyBest(close, dict.sourceId, Sessions.T0)).isTrue();
        assertThat(close.needsReview).isTrue();
        assertThat(close.provenance).isEqualTo(FieldProvenance.FUZZY_INFERRED);
        assertThat(fuzzy.candidates).isEmpty();
    }

    @Test
    void aLockedFieldRecordsCandidatesButKeepsItsValue() {
        DatasetReviewSession s = Sessions.imported();
        SemanticFieldEntry f = Sessions.field(s, "order_total", FieldProvenance.MANUAL_OVERRIDE);
        f.isLocked = true;
        f.verboseName = "Total (mine)";
        SemanticSource dict = Sessions.source(s, SemanticSourceStatus.AVAILABLE);
        SemanticCandidate c = SemanticEnrichment.match(f, dict, List.of(new SemanticEnrichment.Entry("order_total",
                "Order total", "Gross", null)), Sessions.T0).orElseThrow();
        SemanticEnrichment.record(f, c, Sessions.T0);
        assertThat(SemanticEnrichment.applyBest(f, dict.sourceId, Sessions.T0)).isFalse();
        assertThat(f.verboseName).isEqualTo("Total (mine)");
        assertThat(f.provenance).isEqualTo(FieldProvenance.MANUAL_OVERRIDE);
        assertThat(f.candidates).hasSize(1);
        assertThat(f.hasConflict).isTrue();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(nullValues = "null", value = {
            "custom, '  ', answer_value", "custom, null, answer_value", "custom, 'Region of the buyer', null",
            "selected, 'not an option', answer_value", "selected, 'Cust region', null",
            "skipped, null, null", "expert_review, null, null"})
    void answersFollowTheSeedsRules(String kind, String value, String badField) {
        DatasetReviewSession s = Sessions.imported();
        SemanticFieldEntry f = Sessions.field(s, "cust_region", FieldProvenance.UNRESOLVED);
        ValidationFinding finding = Sessions.finding(s, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.WARNING,
                ResolutionState.OPEN);
        finding.causedByRef = f.fieldId;
        ClarificationSession c = ClarificationPlanner.plan(s, Sessions.T0);
        ClarificationQuestion q = c.questions.get(0);
        assertThat(q.options).filteredOn(o -> o.isRecommended).hasSize(1);
        String[] bad = ClarificationPlanner.invalid(q, AnswerKind.from(kind), value);
        assertThat(bad == null ? null : bad[0]).isEqualTo(badField);
    }
}
