package dev.conveyor.review.sessions.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.review.sessions.ApprovalState;
import dev.conveyor.review.sessions.CompiledPreview;
import dev.conveyor.review.sessions.DatasetProfile;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ExecutionMapping;
import dev.conveyor.review.sessions.FieldKind;
import dev.conveyor.review.sessions.ImportedFilter;
import dev.conveyor.review.sessions.MappingMethod;
import dev.conveyor.review.sessions.MappingStatus;
import dev.conveyor.review.sessions.MappingWarningLevel;
import dev.conveyor.review.sessions.PreviewStatus;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.TemplateVariable;
import dev.conveyor.review.sessions.VariableKind;

/** Matching, value transformations, approvals, proposals and the preview fingerprint. */
class MappingRulesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-03-16T10:00:00Z");

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static TemplateVariable variable(String name, String passedAs, boolean required) {
        TemplateVariable v = new TemplateVariable();
        v.variableId = UUID.randomUUID().toString();
        v.variableName = name;
        v.variableKind = "filters".equals(passedAs) ? VariableKind.NATIVE_FILTER : VariableKind.PARAMETER;
        v.passedAs = passedAs;
        v.isRequired = required;
        return v;
    }

    static ImportedFilter filter(String name, String display, String raw) {
        ImportedFilter f = new ImportedFilter();
        f.filterId = UUID.randomUUID().toString();
        f.filterName = name;
        f.displayName = display;
        f.rawValue = json(raw);
        return f;
    }

    static SemanticFieldEntry field(String name, String verbose) {
        SemanticFieldEntry f = new SemanticFieldEntry();
        f.fieldId = UUID.randomUUID().toString();
        f.fieldName = name;
        f.fieldKind = FieldKind.COLUMN;
        f.verboseName = verbose;
        return f;
    }

    static DatasetReviewSession session() {
        DatasetReviewSession s = new DatasetReviewSession();
        s.sessionId = UUID.randomUUID().toString();
        s.datasetId = 42;
        s.profile = new DatasetProfile();
        s.profile.sql = "SELECT 1";
        return s;
    }

    @Test
    void directHeuristicAndSemanticMatches() {
        TemplateVariable region = variable("region", "filters", true);
        List<SemanticFieldEntry> fields = List.of(field("cust_region", "Customer region"));
        assertThat(MappingRules.match(filter("region", null, "[]"), region, fields)).isEqualTo(MappingMethod.DIRECT_MATCH);
        assertThat(MappingRules.match(filter("Regions", null, "[]"), region, fields))
                .isEqualTo(MappingMethod.HEURISTIC_MATCH);
        assertThat(MappingRules.match(filter("x", "REGION", "[]"), region, fields))
                .isEqualTo(MappingMethod.HEURISTIC_MATCH);
        TemplateVariable custRegion = variable("cust_region", "filters", true);
        assertThat(MappingRules.match(filter("Customer Region", null, "[]"), custRegion, fields))
                .isEqualTo(MappingMethod.SEMANTIC_MATCH);
        assertThat(MappingRules.match(filter("country", null, "[]"), region, fields)).isNull();
    }

    @Test
    void normalizingDropsCaseSeparatorsAndPluralEndings() {
        assertThat(MappingRules.normalize("Order_Statuses")).isEqualTo("orderstatus");
        assertThat(MappingRules.normalize("countries")).isEqualTo("country");
        assertThat(MappingRules.normalize("start-dates")).isEqualTo("startdate");
        assertThat(MappingRules.normalize("class")).isEqualTo("class");
    }

    @Test
    void filtersTakeListsAScalarIsWrappedWithALowWarning() {
        TemplateVariable v = variable("region", "filters", true);
        MappingRules.Transformation list = MappingRules.transform(json("[\"EU\",\"US\"]"), v);
        assertThat(list.effectiveValue()).isEqualTo(json("[\"EU\",\"US\"]"));
        assertThat(list.warningLevel()).isNull();
        MappingRules.Transformation scalar = MappingRules.transform(json("\"EU\""), v);
        assertThat(scalar.effectiveValue()).isEqualTo(json("[\"EU\"]"));
        assertThat(scalar.warningLevel()).isEqualTo(MappingWarningLevel.LOW);
    }

    @Test
    void urlParamsTakeOneStringCoercionIsMediumListToScalarAndDroppedValuesAreHigh() {
        TemplateVariable v = variable("start", "url_params", true);
        assertThat(MappingRules.transform(json("\"2024-01-01\""), v).warningLevel()).isNull();
        MappingRules.Transformation coerced = MappingRules.transform(json("42"), v);
        assertThat(coerced.effectiveValue()).isEqualTo(json("\"42\""));
        assertThat(coerced.warningLevel()).isEqualTo(MappingWarningLevel.MEDIUM);
        assertThat(coerced.note()).contains("type coercion");
        MappingRules.Transformation one = MappingRules.transform(json("[\"a\"]"), v);
        assertThat(one.effectiveValue()).isEqualTo(json("\"a\""));
        assertThat(one.warningLevel()).isEqualTo(MappingWarningLevel.HIGH);
        assertThat(one.note()).contains("list to scalar");
        MappingRules.Transformation dropped = MappingRules.transform(json("[\"a\",\"b\",\"c\"]"), v);
        assertThat(dropped.effectiveValue()).isEqualTo(json("\"a\""));
        assertThat(dropped.warningLevel()).isEqualTo(MappingWarningLevel.HIGH);
        assertThat(dropped.note()).contains("dropped 2 (b, c)");
    }

    @Test
    void anEmptyValueGivesNoEffectiveValue() {
        TemplateVariable v = variable("region", "filters", true);
        assertThat(MappingRules.transform(json("[]"), v).effectiveValue()).isNull();
        assertThat(MappingRules.transform(json("null"), v).effectiveValue()).isNull();
    }

    @Test
    void approvalIsNeededForRiskyValuesAndForInexactMatches() {
        assertThat(MappingRules.needsApproval(MappingMethod.DIRECT_MATCH, null)).isFalse();
        assertThat(MappingRules.needsApproval(MappingMethod.DIRECT_MATCH, MappingWarningLevel.LOW)).isFalse();
        assertThat(MappingRules.needsApproval(MappingMethod.DIRECT_MATCH, MappingWarningLevel.MEDIUM)).isTrue();
        assertThat(MappingRules.needsApproval(MappingMethod.MANUAL_OVERRIDE, MappingWarningLevel.HIGH)).isTrue();
        assertThat(MappingRules.needsApproval(MappingMethod.MANUAL_OVERRIDE, null)).isFalse();
        assertThat(MappingRules.needsApproval(MappingMethod.HEURISTIC_MATCH, null)).isTrue();
        assertThat(MappingRules.needsApproval(MappingMethod.SEMANTIC_MATCH, null)).isTrue();
    }

    @Test
    void proposalsTakeTheStrongestMatchOncePerVariableAndSkipWhatNothingCanPass() {
        DatasetReviewSession s = session();
        TemplateVariable region = variable("region", "filters", true);
        TemplateVariable fixed = variable("max_rows", "template_params", false);
        s.templateVariables.addAll(List.of(region, fixed));
        ImportedFilter heuristic = filter("Regions", null, "[\"EU\"]");
        ImportedFilter direct = filter("region", null, "[\"US\"]");
        s.importedFilters.addAll(List.of(heuristic, direct, filter("max_rows", null, "5")));
        List<ExecutionMapping> proposed = MappingRules.propose(s, NOW);
        assertThat(proposed).hasSize(1);
        assertThat(proposed.get(0).filterId).isEqualTo(direct.filterId);
        assertThat(proposed.get(0).mappingMethod).isEqualTo(MappingMethod.DIRECT_MATCH);
        assertThat(proposed.get(0).approvalState).isEqualTo(ApprovalState.NOT_REQUIRED);
        s.mappings.addAll(proposed);
        assertThat(MappingRules.propose(s, NOW)).isEmpty();
    }

    @Test
    void aChangedFilterValueRecomputesTheMappingAndItsApprovalStartsOver() {
        DatasetReviewSession s = session();
        TemplateVariable start = variable("start", "url_params", true);
        ImportedFilter f = filter("starts", null, "[\"2024-01-01\"]");
        s.templateVariables.add(start);
        s.importedFilters.add(f);
        ExecutionMapping m = MappingRules.propose(s, NOW).get(0);
        m.approvalState = ApprovalState.APPROVED;
        m.approvedByUserId = "bob";
        s.mappings.add(m);
        assertThat(MappingRules.refresh(s, NOW)).isEmpty();
        f.rawValue = json("[\"2025-01-01\", \"2025-02-01\"]");
        ExecutionMapping updated = MappingRules.refresh(s, NOW).get(0);
        assertThat(updated.effectiveValue).isEqualTo(json("\"2025-01-01\""));
        assertThat(updated.approvalState).isEqualTo(ApprovalState.PENDING);
        assertThat(updated.approvedByUserId).isNull();
        s.importedFilters.clear();
        assertThat(MappingRules.orphaned(s)).containsExactly(m.mappingId);
    }

    @Test
    void aVariablesMappingStatusFollowsItsMapping() {
        DatasetReviewSession s = session();
        TemplateVariable v = variable("region", "filters", true);
        s.templateVariables.add(v);
        assertThat(MappingRules.statusOf(s, v)).isEqualTo(MappingStatus.UNMAPPED);
        ImportedFilter f = filter("Regions", null, "[\"EU\"]");
        s.importedFilters.add(f);
        ExecutionMapping m = MappingRules.propose(s, NOW).get(0);
        s.mappings.add(m);
        assertThat(MappingRules.statusOf(s, v)).isEqualTo(MappingStatus.PROPOSED);
        m.approvalState = ApprovalState.APPROVED;
        assertThat(MappingRules.statusOf(s, v)).isEqualTo(MappingStatus.APPROVED);
        m.mappingMethod = MappingMethod.MANUAL_OVERRIDE;
        assertThat(MappingRules.statusOf(s, v)).isEqualTo(MappingStatus.OVERRIDDEN);
        m.effectiveValue = null;
        assertThat(MappingRules.statusOf(s, v)).isEqualTo(MappingStatus.INVALID);
        m.effectiveValue = json("[\"EU\"]");
        m.approvalState = ApprovalState.REJECTED;
        assertThat(MappingRules.statusOf(s, v)).isEqualTo(MappingStatus.INVALID);
    }

    @Test
    void theFingerprintChangesWithAnyInputAndOnlyThen() {
        DatasetReviewSession s = session();
        TemplateVariable region = variable("region", "filters", true);
        TemplateVariable start = variable("start", "url_params", true);
        s.templateVariables.addAll(List.of(region, start));
        s.importedFilters.addAll(List.of(filter("region", null, "[\"EU\"]"), filter("start", null, "\"2024\"")));
        s.mappings.addAll(MappingRules.propose(s, NOW));
        ExecutionInputs inputs = ExecutionInputs.of(s);
        assertThat(inputs.effectiveFilters()).isEqualTo(json("[{\"col\":\"region\",\"op\":\"IN\",\"val\":[\"EU\"]}]"));
        assertThat(inputs.urlParams()).isEqualTo(json("{\"start\":\"2024\"}"));
        assertThat(inputs.templateParams()).isEqualTo(json(
                "{\"_filters\":[{\"col\":\"region\",\"op\":\"IN\",\"val\":[\"EU\"]}],\"start\":\"2024\"}"));
        String before = inputs.fingerprint();
        assertThat(ExecutionInputs.of(s).fingerprint()).isEqualTo(before);
        s.mappings.get(0).approvalState = ApprovalState.APPROVED; // approving changes no input
        assertThat(ExecutionInputs.of(s).fingerprint()).isEqualTo(before);
        s.mappings.get(0).effectiveValue = json("[\"US\"]");
        assertThat(ExecutionInputs.of(s).fingerprint()).isNotEqualTo(before);
        s.mappings.get(0).effectiveValue = json("[\"EU\"]");
        s.profile.sql = "SELECT 2";
        assertThat(ExecutionInputs.of(s).fingerprint()).isNotEqualTo(before);
        s.profile.sql = "SELECT 1";
        s.datasetId = 43;
        assertThat(ExecutionInputs.of(s).fingerprint()).isNotEqualTo(before);
    }

    @Test
    void theFollowUpMakesAPreviewStaleOnceItsInputsChange() {
        DatasetReviewSession s = session();
        TemplateVariable region = variable("region", "filters", true);
        s.templateVariables.add(region);
        ImportedFilter f = filter("region", null, "[\"EU\"]");
        s.importedFilters.add(f);
        s.mappings.addAll(MappingRules.propose(s, NOW));
        CompiledPreview p = new CompiledPreview();
        p.previewId = "p1";
        p.previewStatus = PreviewStatus.READY;
        p.previewFingerprint = ExecutionInputs.of(s).fingerprint();
        s.previews.add(p);
        s.lastPreviewId = "p1";
        assertThat(ExecutionFollowUp.next(s, List.of(), NOW)).isNull();
        f.rawValue = json("[\"US\"]");
        var change = ExecutionFollowUp.next(s, List.of(), NOW);
        assertThat(change.type()).isEqualTo(SessionEventType.MAPPINGS_PROPOSED);
        s.mappings.set(0, (ExecutionMapping) ((List<?>) change.payload().get("mappings")).get(0));
        change = ExecutionFollowUp.next(s, List.of(), NOW);
        assertThat(change.type()).isEqualTo(SessionEventType.PREVIEW_STALED);
        assertThat(((CompiledPreview) change.payload().get("preview")).previewStatus).isEqualTo(PreviewStatus.STALE);
    }

    @Test
    void theRunReadinessInvariantNamesEachUnmetCondition() {
        DatasetReviewSession s = session();
        TemplateVariable region = variable("region", "filters", true);
        s.templateVariables.add(region);
        assertThat(RunReadiness.unmet(s)).extracting(RunReadiness.Unmet::code)
                .containsExactly(RunReadiness.REQUIRED_VALUE_MISSING, RunReadiness.PREVIEW_MISSING);
        s.importedFilters.add(filter("Regions", null, "[\"EU\"]"));
        s.mappings.addAll(MappingRules.propose(s, NOW));
        assertThat(RunReadiness.unmet(s)).extracting(RunReadiness.Unmet::code)
                .containsExactly(RunReadiness.MAPPING_APPROVAL_PENDING, RunReadiness.PREVIEW_MISSING);
        s.mappings.get(0).approvalState = ApprovalState.APPROVED;
        CompiledPreview p = new CompiledPreview();
        p.previewId = "p1";
        p.previewStatus = PreviewStatus.READY;
        p.previewFingerprint = ExecutionInputs.of(s).fingerprint();
        s.previews.add(p);
        s.lastPreviewId = "p1";
        assertThat(RunReadiness.unmet(s)).isEmpty();
        p.previewFingerprint = "other";
        assertThat(RunReadiness.unmet(s)).extracting(RunReadiness.Unmet::code)
                .containsExactly(RunReadiness.PREVIEW_STALE);
    }
}
