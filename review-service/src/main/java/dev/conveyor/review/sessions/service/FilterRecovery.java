package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.conveyor.review.sessions.FilterConfidenceState;
import dev.conveyor.review.sessions.FilterRecoveryStatus;
import dev.conveyor.review.sessions.FilterSource;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.ImportedFilter;
import dev.conveyor.review.sessions.ValidationFinding;

/**
 * Turns what a Superset link carries into the session's {@link ImportedFilter}s (seed §5), one per
 * filter, and {@code filter_recovery} findings for what is missing, partial or contradictory.
 * Pure: the calls are made by {@link SupersetLinkIntake}, which hands over what it could read and
 * what failed, so a recovery that lost one source keeps everything the others gave (progressive
 * recovery invariant).
 * <p>
 * Sources: native filter state (a dashboard permalink's {@code dataMask}, a filter state key's
 * {@code dataMask}, a chart's {@code extra_form_data}) is {@code superset_native}; what the URL
 * itself carries (a Rison {@code native_filters}, URL parameters, explore {@code adhoc_filters} and
 * {@code time_range}) is {@code superset_url}. Each configured native filter of the dashboard gets
 * a filter even when nothing carries a value for it ({@code missing}).
 */
public final class FilterRecovery {

    static final String FILTER_VALUE_MISSING = "filter_value_missing";
    static final String FILTER_VALUE_CONFLICT = "filter_value_conflict";
    static final String FILTER_VALUE_PARTIAL = "filter_value_partial";
    static final String FILTER_STATE_UNAVAILABLE = "filter_state_unavailable";
    static final String FILTER_KEPT_MANUAL = "filter_kept_manual";
    static final String FILTER_OTHER_DATASET = "filter_targets_other_dataset";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A dataMask read from somewhere: a permalink, a filter state key, the URL. */
    public record NativeState(String origin, FilterSource source, JsonNode dataMask) {
    }

    /** Everything a link gave, and what could not be read (one sentence each). */
    public record Inputs(List<JsonNode> nativeFilters, Integer datasetId, List<NativeState> states,
            List<List<String>> urlParams, JsonNode formData, String formDataOrigin, List<String> unreadable) {
    }

    public record Result(List<ImportedFilter> filters, List<ValidationFinding> findings) {
    }

    /** One value a source gave for a filter. */
    private record Candidate(String origin, FilterSource source, JsonNode raw, JsonNode normalized, String note,
            boolean partial) {
    }

    private static final class Slot {
        final String name;
        String displayName;
        String nativeFilterId;
        final List<Candidate> candidates = new ArrayList<>();
        Candidate fallback; // the dashboard's default
        boolean configured;
        boolean cleared;

        Slot(String name) {
            this.name = name;
        }
    }

    private FilterRecovery() {
    }

    /**
     * {@code existing} are the session's filters now: recovered ones keep their ids (mappings refer
     * to them), manual ones win over anything recovered under the same name.
     */
    public static Result recover(String sessionId, Inputs in, List<ImportedFilter> existing, Instant now) {
        Map<String, Slot> slots = new LinkedHashMap<>();
        List<ValidationFinding> findings = new ArrayList<>();
        List<String> otherDataset = new ArrayList<>();
        boolean stateLost = !in.unreadable().isEmpty();

        for (JsonNode f : in.nativeFilters()) {
            if (!"NATIVE_FILTER".equals(f.path("type").asText("NATIVE_FILTER")) || !f.hasNonNull("id")) {
                continue; // dividers and sections carry no value
            }
            JsonNode target = f.path("targets").path(0);
            if (in.datasetId() != null && target.hasNonNull("datasetId")
                    && target.get("datasetId").asInt() != in.datasetId()) {
                otherDataset.add(f.path("name").asText(f.get("id").asText()));
                continue;
            }
            String type = f.path("filterType").asText("filter_select");
            String column = target.path("column").path("name").asText(null);
            String name = column != null ? column : type.equals("filter_time") ? "time_range" : f.get("id").asText();
            Slot slot = slots.computeIfAbsent(name, Slot::new);
            slot.configured = true;
            slot.displayName = f.path("name").asText(null);
            slot.nativeFilterId = f.get("id").asText();
            boolean single = type.equals("filter_select") && !f.path("controlValues").path("multiSelect").asBoolean(true);
            for (NativeState state : in.states()) {
                JsonNode entry = state.dataMask() == null ? null : state.dataMask().get(slot.nativeFilterId);
                if (entry == null) {
                    continue;
                }
                JsonNode value = entry.path("filterState").get("value");
                if (isEmpty(value)) {
                    JsonNode extra = entry.path("extraFormData");
                    if (extra.size() > 0) {
                        slot.candidates.add(new Candidate(state.origin(), state.source(), extra, extraValue(extra),
                                "only the query part (extraFormData) was stored", true));
                    } else {
                        slot.cleared = true;
                    }
                    continue;
                }
                slot.candidates.add(new Candidate(state.origin(), state.source(), value, normalize(value, single),
                        null, false));
            }
            JsonNode dflt = f.path("defaultDataMask").path("filterState").get("value");
            if (!isEmpty(dflt)) {
                slot.fallback = new Candidate("the dashboard's default", FilterSource.SUPERSET_NATIVE, dflt,
                        normalize(dflt, single), null, false);
            }
        }
        if (in.formData() != null) {
            formData(in.formData(), in.formDataOrigin(), slots);
        }
        for (List<String> p : in.urlParams()) {
            Slot slot = slots.computeIfAbsent(p.get(0), Slot::new);
            slot.candidates.add(new Candidate("the link's URL parameter", FilterSource.SUPERSET_URL,
                    NODES.textNode(p.get(1)), NODES.textNode(p.get(1)), null, false));
        }

        List<ImportedFilter> filters = new ArrayList<>();
        for (Slot slot : slots.values()) {
            ImportedFilter manual = existing.stream().filter(x -> x.source == FilterSource.MANUAL
                    && x.filterName.equals(slot.name)).findFirst().orElse(null);
            if (manual != null) {
                findings.add(finding(sessionId, FindingSeverity.INFORMATIONAL, FILTER_KEPT_MANUAL,
                        "Filter " + slot.name + " kept as set by hand",
                        "The link also carries " + slot.name + describe(slot)
                                + "; the value a person set stays (edit or remove it to change that).",
                        manual.filterId, now));
                continue;
            }
            ImportedFilter f = build(sessionId, slot, stateLost, in.unreadable(), now);
            ImportedFilter before = existing.stream().filter(x -> x.source != FilterSource.MANUAL
                    && x.filterName.equals(slot.name)).findFirst().orElse(null);
            if (before != null) {
                f.filterId = before.filterId;
                f.createdAt = before.createdAt;
            }
            filters.add(f);
            String label = slot.displayName != null && !slot.displayName.equals(slot.name)
                    ? "'" + slot.displayName + "' (" + slot.name + ")" : slot.name;
            switch (f.recoveryStatus) {
                case MISSING -> findings.add(finding(sessionId, FindingSeverity.WARNING, FILTER_VALUE_MISSING,
                        "Filter " + label + " has no value",
                        "The dashboard configures filter " + label + " but "
                                + (stateLost ? "its state could not be read (" + String.join("; ", in.unreadable()) + ")"
                                        : slot.cleared ? "the link's state has it cleared" : "the link carries no value for it")
                                + " and it has no default. Set it by hand (POST /review-sessions/{id}/filters) or "
                                + "import again once Superset answers.", f.filterId, now));
                case CONFLICTED -> findings.add(finding(sessionId, FindingSeverity.WARNING, FILTER_VALUE_CONFLICT,
                        "Filter " + label + " has contradicting values", f.notes
                                + " Confirm one by setting the filter by hand.", f.filterId, now));
                case PARTIAL -> findings.add(finding(sessionId, FindingSeverity.WARNING, FILTER_VALUE_PARTIAL,
                        "Filter " + label + " was recovered only in part", f.notes, f.filterId, now));
                default -> {
                }
            }
        }
        for (String failure : in.unreadable()) {
            findings.add(finding(sessionId, FindingSeverity.WARNING, FILTER_STATE_UNAVAILABLE,
                    "Part of the link's filter state could not be read", failure
                            + ". What the other sources gave is kept; POST /review-sessions/{id}/intake tries again.",
                    null, now));
        }
        if (!otherDataset.isEmpty()) {
            findings.add(finding(sessionId, FindingSeverity.INFORMATIONAL, FILTER_OTHER_DATASET,
                    "Native filters on other datasets left out",
                    "These native filters target another dataset of the dashboard than the session's: "
                            + String.join(", ", otherDataset) + ".", null, now));
        }
        return new Result(filters, findings);
    }

    private static ImportedFilter build(String sessionId, Slot slot, boolean stateLost, List<String> unreadable,
            Instant now) {
        ImportedFilter f = new ImportedFilter();
        f.filterId = UUID.randomUUID().toString();
        f.sessionId = sessionId;
        f.filterName = slot.name;
        f.displayName = slot.displayName;
        f.createdAt = now;
        f.updatedAt = now;
        String id = slot.nativeFilterId == null ? "" : " [native filter " + slot.nativeFilterId + "]";
        List<Candidate> c = slot.candidates;
        if (c.isEmpty()) {
            if (slot.fallback != null && !slot.cleared) {
                Candidate d = slot.fallback;
                f.rawValue = d.raw();
                f.normalizedValue = d.normalized();
                if (stateLost) {
                    // not what the link held, a stand-in for it: inferred, to be confirmed
                    f.source = FilterSource.INFERRED;
                    f.recoveryStatus = FilterRecoveryStatus.PARTIAL;
                    f.confidenceState = FilterConfidenceState.INFERRED;
                    f.requiresConfirmation = true;
                    f.notes = "The link's filter state could not be read (" + String.join("; ", unreadable)
                            + "); this is the dashboard's default, which the link may have changed" + id + ".";
                } else {
                    f.source = FilterSource.SUPERSET_NATIVE;
                    f.recoveryStatus = FilterRecoveryStatus.RECOVERED;
                    f.confidenceState = FilterConfidenceState.IMPORTED;
                    f.requiresConfirmation = false;
                    f.notes = "The dashboard's default value; the link carries no other" + id + ".";
                }
                return f;
            }
            f.rawValue = NODES.nullNode();
            f.normalizedValue = NODES.nullNode();
            f.source = FilterSource.SUPERSET_NATIVE;
            f.recoveryStatus = FilterRecoveryStatus.MISSING;
            f.confidenceState = FilterConfidenceState.UNRESOLVED;
            f.requiresConfirmation = true;
            f.notes = (slot.cleared ? "Cleared in the link's state" : "Configured on the dashboard without a value")
                    + (stateLost ? "; the link's state could not be read" : "") + id + ".";
            return f;
        }
        Candidate first = c.get(0);
        f.rawValue = first.raw();
        f.normalizedValue = first.normalized();
        f.source = first.source();
        boolean disagree = c.stream().anyMatch(x -> !Objects.equals(x.normalized(), first.normalized()));
        if (disagree) {
            f.recoveryStatus = FilterRecoveryStatus.CONFLICTED;
            f.confidenceState = FilterConfidenceState.UNRESOLVED;
            f.requiresConfirmation = true;
            StringBuilder notes = new StringBuilder("The sources disagree:");
            c.forEach(x -> notes.append(" ").append(x.origin()).append(" gives ").append(x.normalized()).append(";"));
            notes.append(" the first is kept").append(id).append(".");
            f.notes = notes.toString();
            return f;
        }
        boolean partial = c.stream().anyMatch(Candidate::partial);
        f.recoveryStatus = partial ? FilterRecoveryStatus.PARTIAL : FilterRecoveryStatus.RECOVERED;
        f.confidenceState = partial ? FilterConfidenceState.INFERRED : FilterConfidenceState.IMPORTED;
        f.requiresConfirmation = partial;
        StringBuilder notes = new StringBuilder("From ");
        for (int i = 0; i < c.size(); i++) {
            notes.append(i == 0 ? "" : " and ").append(c.get(i).origin());
        }
        c.stream().map(Candidate::note).filter(Objects::nonNull).distinct().forEach(n -> notes.append("; ").append(n));
        f.notes = notes.append(id).append(".").toString();
        return f;
    }

    /** Explore form data: {@code adhoc_filters}, {@code extra_form_data} and {@code time_range}. */
    private static void formData(JsonNode fd, String origin, Map<String, Slot> slots) {
        int sql = 0;
        for (JsonNode a : fd.path("adhoc_filters")) {
            if (!"WHERE".equals(a.path("clause").asText("WHERE"))) {
                continue;
            }
            if ("SQL".equals(a.path("expressionType").asText())) {
                Slot slot = slots.computeIfAbsent("adhoc_sql_" + (++sql), Slot::new);
                slot.candidates.add(new Candidate(origin + " (custom SQL filter)", FilterSource.SUPERSET_URL,
                        a.path("sqlExpression"), a.path("sqlExpression"),
                        "a custom SQL filter: no column and value to map, read the expression", true));
                continue;
            }
            String col = a.path("subject").asText(null);
            if (col == null) {
                continue;
            }
            String op = a.path("operator").asText("");
            JsonNode value = a.get("comparator");
            boolean list = op.equals("IN") || op.equals("NOT IN");
            JsonNode normalized = list ? asList(value) : value != null && value.isArray() && value.size() == 1
                    ? value.get(0) : value;
            boolean plain = op.equals("IN") || op.equals("==") || op.equals("=");
            slots.computeIfAbsent(col, Slot::new).candidates.add(new Candidate(origin, FilterSource.SUPERSET_URL,
                    a, normalized == null ? NODES.nullNode() : normalized,
                    plain ? null : "operator " + op + ": the value alone does not say how it filters", !plain));
        }
        JsonNode extra = fd.path("extra_form_data");
        for (JsonNode x : extra.path("filters")) {
            String col = x.path("col").asText(null);
            if (col == null) {
                continue;
            }
            String op = x.path("op").asText("");
            boolean plain = op.equals("IN") || op.equals("==");
            slots.computeIfAbsent(col, Slot::new).candidates.add(new Candidate(origin + " (dashboard filters applied)",
                    FilterSource.SUPERSET_NATIVE, x, op.equals("IN") ? asList(x.get("val")) : x.path("val"),
                    plain ? null : "operator " + op + ": the value alone does not say how it filters", !plain));
        }
        if (extra.hasNonNull("time_range")) {
            slots.computeIfAbsent("time_range", Slot::new).candidates.add(new Candidate(origin
                    + " (dashboard filters applied)", FilterSource.SUPERSET_NATIVE, extra.get("time_range"),
                    extra.get("time_range"), null, false));
        } else if (fd.hasNonNull("time_range") && !"No filter".equals(fd.get("time_range").asText())) {
            slots.computeIfAbsent("time_range", Slot::new).candidates.add(new Candidate(origin,
                    FilterSource.SUPERSET_URL, fd.get("time_range"), fd.get("time_range"), null, false));
        }
    }

    /**
     * A select filter's list becomes its one value only when the filter is single-select; ranges and
     * time ranges stay as Superset wrote them.
     */
    static JsonNode normalize(JsonNode value, boolean singleSelect) {
        if (singleSelect && value.isArray() && value.size() == 1) {
            return value.get(0);
        }
        return value;
    }

    /** The value a stored query part filters on: its one filter's {@code val}, or its time range. */
    private static JsonNode extraValue(JsonNode extra) {
        JsonNode filters = extra.path("filters");
        if (filters.size() == 1) {
            return filters.get(0).path("val");
        }
        if (extra.hasNonNull("time_range")) {
            return extra.get("time_range");
        }
        return extra;
    }

    private static JsonNode asList(JsonNode v) {
        if (v == null || v.isNull()) {
            return NODES.arrayNode();
        }
        if (v.isArray()) {
            return v;
        }
        ArrayNode a = NODES.arrayNode();
        a.add(v);
        return a;
    }

    private static boolean isEmpty(JsonNode v) {
        return v == null || v.isNull() || v.isArray() && v.size() == 0 || v.isTextual() && v.asText().isEmpty();
    }

    private static String describe(Slot slot) {
        return slot.candidates.isEmpty() ? "" : " = " + slot.candidates.get(0).normalized();
    }

    static ValidationFinding finding(String sessionId, FindingSeverity severity, String code, String title,
            String message, String causedBy, Instant now) {
        return DatasetIntakeMapper.finding(sessionId, FindingArea.FILTER_RECOVERY, severity, code, title, message,
                causedBy, now);
    }
}
