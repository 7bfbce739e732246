package dev.conveyor.review.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** The LLM's clarification questions against the seed's rules, and the candidates' order after a ranking. */
class ClarificationQuestionsTest {

    private static DatasetReviewSession session() {
        DatasetReviewSession s = Sessions.imported();
        SemanticFieldEntry region = Sessions.field(s, "cust_region", FieldProvenance.UNRESOLVED);
        Sessions.finding(s, FindingArea.SEMANTIC_ENRICHMENT, FindingSeverity.WARNING, ResolutionState.OPEN)
                .causedByRef = region.fieldId;
        Sessions.field(s, "order_id", FieldProvenance.DICTIONARY_EXACT);
        return s;
    }

    private static JsonNode answer(String json) {
        return SessionJson.parse(json, JsonNode.class);
    }

    @Test
    void validQuestionsBecomeTheClarificationHighestPriorityFirst() {
        DatasetReviewSession s = session();
        assertThat(ClarificationPlanner.topics(s)).extracting(t -> t.field().fieldName).containsExactly("cust_region");
        ClarificationSession c = ClarificationPlanner.fromModel(s, answer("""
                {"questions": [{"field_name": "cust_region", "question": "Which region is cust_region?",
                  "why_it_matters": "Sales are split by it", "current_guess": null, "priority": 70,
                  "options": [{"label": "Billing region", "value": "Region of the billing address", "is_recommended": true},
                              {"label": "Shipping region", "value": "Region of the shipping address", "is_recommended": false}]}]}"""),
                Sessions.T0);
        assertThat(c.status).isEqualTo(ClarificationStatus.ACTIVE);
        assertThat(c.questions).hasSize(1);
        ClarificationQuestion q = c.questions.get(0);
        assertThat(c.currentQuestionId).isEqualTo(q.questionId);
        assertThat(q.topicRef).isEqualTo(s.fields.get(0).fieldId);
        assertThat(q.priority).isEqualTo(70);
        assertThat(q.currentGuess).isNull();
        assertThat(q.options).extracting(o -> o.isRecommended).containsExactly(true, false);
        assertThat(q.options).extracting(o -> o.displayOrder).containsExactly(1, 2);
        assertThat(c.remainingCount).isEqualTo(1);
    }

    @Test
    void questionsThatBreakTheRulesAreRefusedWhole() {
        DatasetReviewSession s = session();
        String twoRecommended = """
                {"questions": [{"field_name": "cust_region", "question": "Which region?", "why_it_matters": "Reports",
                  "current_guess": "x", "priority": 50, "options": [{"label": "a", "value": "a", "is_recommended": true},
                  {"label": "b", "value": "b", "is_recommended": true}]}]}""";
        assertThatThrownBy(() -> ClarificationPlanner.fromModel(s, answer(twoRecommended), Sessions.T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
        String unknownField = twoRecommended.replace("cust_region", "order_id").replace("\"b\", \"is_recommended\": true",
                "\"b\", \"is_recommended\": false");
        assertThatThrownBy(() -> ClarificationPlanner.fromModel(s, answer(unknownField), Sessions.T0))
                .hasMessageContaining("not an open topic");
        String sameValue = """
                {"questions": [{"field_name": "cust_region", "question": "Which region?", "why_it_matters": "Reports",
                  "current_guess": "x", "priority": 50, "options": [{"label": "a", "value": "a", "is_recommended": true},
                  {"label": "b", "value": "a", "is_recommended": false}]}]}""";
        assertThatThrownBy(() -> ClarificationPlanner.fromModel(s, answer(sameValue), Sessions.T0))
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> ClarificationPlanner.fromModel(s, answer("{\"questions\": []}"), Sessions.T0))
                .hasMessageContaining("no questions");
    }

    @Test
    void theRulesWordQuestionsWhenNoModelAnswered() {
        ClarificationSession c = ClarificationPlanner.plan(session(), Sessions.T0);
        assertThat(c.questions).singleElement().satisfies(q -> {
            assertThat(q.questionText).isEqualTo("What does cust_region mean?");
            assertThat(q.options.stream().filter(o -> o.isRecommended)).hasSize(1);
        });
    }

    @Test
    void similarityOrdersWithinATierNeverAcrossTiers() {
        SemanticFieldEntry f = new SemanticFieldEntry();
        f.candidates = new ArrayList<>(List.of(candidate("exact-a", CandidateMatchType.EXACT, 1.0),
                candidate("exact-b", CandidateMatchType.EXACT, 1.0), candidate("fuzzy", CandidateMatchType.FUZZY, 0.7),
                candidate("generated", CandidateMatchType.GENERATED, 0.5)));
        boolean changed = SemanticEnrichment.annotate(f, Map.of("exact-a", new double[] {0.2, 0.1},
                "exact-b", new double[] {0.6, 0.3}, "generated", new double[] {0.95, 0.6}), Sessions.T0);
        assertThat(changed).isTrue();
        assertThat(f.candidates).extracting(c -> c.candidateId)
                .containsExactly("exact-b", "exact-a", "fuzzy", "generated");
        assertThat(f.candidates.get(0).similarityScore).isEqualTo(0.6);
        assertThat(f.candidates.get(0).similarityConfidence).isEqualTo(0.3);
        assertThat(f.candidates.get(0).confidenceScore).as("the tier's confidence stays").isEqualTo(1.0);
        assertThat(SemanticEnrichment.annotate(f, Map.of("exact-b", new double[] {0.6, 0.3}), Sessions.T0))
                .as("the same ranking again changes nothing").isFalse();
    }

    private static SemanticCandidate candidate(String id, CandidateMatchType type, double confidence) {
        SemanticCandidate c = new SemanticCandidate();
        c.candidateId = id;
        c.fieldId = UUID.randomUUID().toString();
        c.matchType = type;
        c.candidateRank = SemanticEnrichment.rankOf(type);
        c.confidenceScore = confidence;
        c.proposedVerboseName = id;
        c.status = CandidateStatus.PROPOSED;
        return c;
    }
}
