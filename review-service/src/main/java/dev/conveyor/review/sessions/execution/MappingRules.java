package dev.conveyor.review.sessions.execution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.conveyor.review.sessions.ApprovalState;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ExecutionMapping;
import dev.conveyor.review.sessions.ImportedFilter;
import dev.conveyor.review.sessions.MappingMethod;
import dev.conveyor.review.sessions.MappingStatus;
import dev.conveyor.review.sessions.MappingWarningLevel;
import dev.conveyor.review.sessions.SemanticFieldEntry;
import dev.conveyor.review.sessions.TemplateVariable;

/**
 * How a recovered filter becomes a template variable's value (seed §6).
 * <ul>
 * <li>Matching, strongest first: {@code direct_match} (the filter's name is the variable's name),
 * {@code heuristic_match} (equal after normalizing case, separators and a plural ending),
 * {@code semantic_match} (the names meet through the dataset's field semantics: a field's name on
 * one side, its verbose name on the other).</li>
 * <li>The effective value: filters ({@code filter_values}) take a list; URL parameters take one
 * string. A scalar wrapped into a list is low risk; a number or boolean made a string (type coercion)
 * is {@code medium}; a one-value list made a scalar (list to scalar) and a longer list cut to its
 * first value (dropped values) are {@code high}.</li>
 * <li>Explicit approval is needed when the warning is medium or high, or the match is heuristic or
 * semantic.</li>
 * </ul>
 */
public final class MappingRules {

    /** The value to send and why it differs from the filter's, if it does. */
    public record Transformation(JsonNode effectiveValue, String note, MappingWarningLevel warningLevel) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MappingRules() {
    }

    /** Whether a variable's value can be given by a mapping: Superset must have a way to take it. */
    public static boolean mappable(TemplateVariable v) {
        return ExecutionInputs.PASSED_AS_FILTERS.equals(v.passedAs)
                || ExecutionInputs.PASSED_AS_URL_PARAMS.equals(v.passedAs);
    }

    /** The filter's value as recovered: its normalized value when it has one. */
    public static JsonNode valueOf(ImportedFilter f) {
        if (f.normalizedValue != null && !f.normalizedValue.isNull()) {
            return f.normalizedValue;
        }
        return f.rawValue == null ? NODES.nullNode() : f.rawValue;
    }

    public static MappingMethod match(ImportedFilter f, TemplateVariable v, List<SemanticFieldEntry> fields) {
        if (Objects.equals(f.filterName, v.variableName)) {
            return MappingMethod.DIRECT_MATCH;
        }
        String var = normalize(v.variableName);
        if (var.equals(normalize(f.filterName)) || var.equals(normalize(f.displayName))) {
            return MappingMethod.HEURISTIC_MATCH;
        }
        Set<String> varKeys = semanticKeys(v.variableName, fields);
        Set<String> filterKeys = semanticKeys(f.filterName, fields);
        filterKeys.addAll(semanticKeys(f.displayName, fields));
        filterKeys.retainAll(varKeys);
        return filterKeys.isEmpty() ? null : MappingMethod.SEMANTIC_MATCH;
    }

    /** A name and what the dataset's semantics say it also goes by. */
    static Set<String> semanticKeys(String name, List<SemanticFieldEntry> fields) {
        Set<String> keys = new HashSet<>();
        String n = normalize(name);
        if (n.isEmpty()) {
            return keys;
        }
        keys.add(n);
        for (SemanticFieldEntry f : fields) {
            String fieldName = normalize(f.fieldName);
            String verbose = normalize(f.verboseName);
            if (n.equals(fieldName) && !verbose.isEmpty()) {
                keys.add(verbose);
            }
            if (n.equals(verbose) && !fieldName.isEmpty()) {
                keys.add(fieldName);
            }
        }
        return keys;
    }

    /** Lower case, letters and digits only, a plural ending dropped: {@code Customer_Regions} → {@code customerregion}. */
    static String normalize(String name) {
        if (name == null) {
            return "";
        }
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
        if (n.endsWith("ies") && n.length() > 4) {
            return n.substring(0, n.length() - 3) + "y";
        }
        if (n.endsWith("ses") && n.length() > 4) {
            return n.substring(0, n.length() - 2);
        }
        if (n.endsWith("s") && !n.endsWith("ss") && n.length() > 3) {
            return n.substring(0, n.length() - 1);
        }
        return n;
    }

    /** The value a variable gets from {@code value}, by how Superset takes it. */
    public static Transformation transform(JsonNode value, TemplateVariable v) {
        if (value == null || value.isNull() || value.isArray() && value.isEmpty()
                || value.isTextual() && value.asText().isEmpty()) {
            return new Transformation(null, "the filter has no value", null);
        }
        if (ExecutionInputs.PASSED_AS_FILTERS.equals(v.passedAs)) {
            if (value.isArray()) {
                return new Transformation(value, null, null);
            }
            if (value.isObject()) {
                return new Transformation(NODES.arrayNode().add(value.toString()),
                        "an object made one text value (type coercion)", MappingWarningLevel.MEDIUM);
            }
            ArrayNode list = NODES.arrayNode().add(value);
            return new Transformation(list, "one value wrapped in a list: filter_values answers a list",
                    MappingWarningLevel.LOW);
        }
        if (value.isArray()) {
            JsonNode first = value.get(0);
            String text = first.isTextual() ? first.asText() : first.toString();
            if (value.size() == 1) {
                return new Transformation(NODES.textNode(text), "a one-value list made the single value "
                        + "url_param takes (list to scalar)", MappingWarningLevel.HIGH);
            }
            List<String> dropped = new ArrayList<>();
            for (int i = 1; i < value.size(); i++) {
                dropped.add(value.get(i).isTextual() ? value.get(i).asText() : value.get(i).toString());
            }
            return new Transformation(NODES.textNode(text), "url_param takes one value: kept '" + text
                    + "', dropped " + dropped.size() + " (" + String.join(", ", dropped) + ") (dropped values)",
                    MappingWarningLevel.HIGH);
        }
        if (value.isTextual()) {
            return new Transformation(value, null, null);
        }
        return new Transformation(NODES.textNode(value.isValueNode() ? value.asText() : value.toString()),
                "a " + value.getNodeType().name().toLowerCase(Locale.ROOT) + " made text: url_param values are "
                        + "strings (type coercion)", MappingWarningLevel.MEDIUM);
    }

    public static boolean needsApproval(MappingMethod method, MappingWarningLevel warning) {
        return warning == MappingWarningLevel.MEDIUM || warning == MappingWarningLevel.HIGH
                || method == MappingMethod.HEURISTIC_MATCH || method == MappingMethod.SEMANTIC_MATCH;
    }

    /** A new mapping of {@code f} onto {@code v}. */
    public static ExecutionMapping mapping(String sessionId, ImportedFilter f, TemplateVariable v, MappingMethod method,
            JsonNode value, Instant now) {
        ExecutionMapping m = new ExecutionMapping();
        m.mappingId = UUID.randomUUID().toString();
        m.sessionId = sessionId;
        m.filterId = f.filterId;
        m.variableId = v.variableId;
        m.createdAt = now;
        fill(m, method, valueOf(f), value, v, now);
        return m;
    }

    /** (Re)computes a mapping's value; any earlier approval no longer holds. */
    public static void fill(ExecutionMapping m, MappingMethod method, JsonNode raw, JsonNode value, TemplateVariable v,
            Instant now) {
        Transformation t = transform(value, v);
        m.mappingMethod = method;
        m.rawInputValue = raw;
        m.effectiveValue = t.effectiveValue();
        m.transformationNote = t.note();
        m.warningLevel = t.warningLevel();
        m.requiresExplicitApproval = needsApproval(method, t.warningLevel());
        m.approvalState = m.requiresExplicitApproval ? ApprovalState.PENDING : ApprovalState.NOT_REQUIRED;
        m.approvedByUserId = null;
        m.approvedAt = null;
        m.updatedAt = now;
    }

    /**
     * New proposals: for every mappable variable with no mapping yet, the best-matching filter
     * (direct over heuristic over semantic; the first filter on a tie).
     */
    public static List<ExecutionMapping> propose(DatasetReviewSession s, Instant now) {
        List<ExecutionMapping> out = new ArrayList<>();
        for (TemplateVariable v : s.templateVariables) {
            if (!mappable(v) || s.mappings.stream().anyMatch(m -> m.variableId.equals(v.variableId))) {
                continue;
            }
            ImportedFilter best = null;
            MappingMethod bestMethod = null;
            for (ImportedFilter f : s.importedFilters) {
                MappingMethod method = match(f, v, s.fields);
                if (method != null && (bestMethod == null || method.ordinal() < bestMethod.ordinal())) {
                    best = f;
                    bestMethod = method;
                }
            }
            if (best != null) {
                out.add(mapping(s.sessionId, best, v, bestMethod, valueOf(best), now));
            }
        }
        return out;
    }

    /** Automatic mappings whose filter's value changed since: recomputed, their approval pending again. */
    public static List<ExecutionMapping> refresh(DatasetReviewSession s, Instant now) {
        List<ExecutionMapping> out = new ArrayList<>();
        for (ExecutionMapping m : s.mappings) {
            if (m.mappingMethod == MappingMethod.MANUAL_OVERRIDE) {
                continue; // a person's value stays (manual intent)
            }
            ImportedFilter f = filter(s, m.filterId);
            TemplateVariable v = variable(s, m.variableId);
            if (f == null || v == null || Objects.equals(valueOf(f), m.rawInputValue)) {
                continue;
            }
            ExecutionMapping updated = dev.conveyor.review.sessions.Change.copy(m);
            fill(updated, m.mappingMethod, valueOf(f), valueOf(f), v, now);
            out.add(updated);
        }
        return out;
    }

    /** Mappings whose filter or variable is gone. */
    public static List<String> orphaned(DatasetReviewSession s) {
        return s.mappings.stream().filter(m -> filter(s, m.filterId) == null || variable(s, m.variableId) == null)
                .map(m -> m.mappingId).toList();
    }

    /** The variable's {@code mapping_status}, derived from its mapping in force. */
    public static MappingStatus statusOf(DatasetReviewSession s, TemplateVariable v) {
        ExecutionMapping m = ExecutionInputs.activeMapping(s, v.variableId);
        if (m == null) {
            return MappingStatus.UNMAPPED;
        }
        if (m.approvalState == ApprovalState.REJECTED
                || v.isRequired && (m.effectiveValue == null || m.effectiveValue.isNull())) {
            return MappingStatus.INVALID;
        }
        if (m.mappingMethod == MappingMethod.MANUAL_OVERRIDE) {
            return MappingStatus.OVERRIDDEN;
        }
        return m.approvalState == ApprovalState.PENDING ? MappingStatus.PROPOSED : MappingStatus.APPROVED;
    }

    public static ImportedFilter filter(DatasetReviewSession s, String filterId) {
        return s.importedFilters.stream().filter(f -> f.filterId.equals(filterId)).findFirst().orElse(null);
    }

    public static TemplateVariable variable(DatasetReviewSession s, String variableId) {
        return s.templateVariables.stream().filter(v -> v.variableId.equals(variableId)).findFirst().orElse(null);
    }
}
