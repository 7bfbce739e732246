package dev.conveyor.review.sessions.execution;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.ApprovalState;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.ExecutionMapping;
import dev.conveyor.review.sessions.TemplateVariable;

/**
 * The exact inputs Superset compiles the dataset with, derived from the session: the filters
 * (native-filter variables' effective values as {@code {col, op: IN, val}}), the URL parameters
 * (url_param variables' values, strings as Superset takes them), the template parameters SQL Lab
 * takes (the dataset's {@code template_params}, the URL parameters, and the filters under
 * {@code _filters}, which Superset's filter_values reads in SQL Lab), the dataset id and the SQL
 * version. The fingerprint is a SHA-256 over their canonical JSON (keys sorted): equal inputs,
 * equal fingerprint; any change in a mapping, a value, the SQL or its template parameters, a
 * different fingerprint.
 */
public record ExecutionInputs(Integer datasetId, String sqlVersion, ArrayNode effectiveFilters, ObjectNode urlParams,
        ObjectNode templateParams) {

    public static final String PASSED_AS_FILTERS = "filters";
    public static final String PASSED_AS_URL_PARAMS = "url_params";
    public static final String PASSED_AS_TEMPLATE_PARAMS = "template_params";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static ExecutionInputs of(DatasetReviewSession s) {
        Map<String, JsonNode> filters = new TreeMap<>();
        Map<String, JsonNode> params = new TreeMap<>();
        for (TemplateVariable v : s.templateVariables) {
            ExecutionMapping m = activeMapping(s, v.variableId);
            if (m == null || m.effectiveValue == null || m.effectiveValue.isNull()) {
                continue;
            }
            if (PASSED_AS_FILTERS.equals(v.passedAs)) {
                filters.put(v.variableName, m.effectiveValue);
            } else if (PASSED_AS_URL_PARAMS.equals(v.passedAs)) {
                params.put(v.variableName, m.effectiveValue);
            }
        }
        ArrayNode effectiveFilters = NODES.arrayNode();
        filters.forEach((col, val) -> effectiveFilters.addObject().put("col", col).put("op", "IN").set("val", val));
        ObjectNode urlParams = NODES.objectNode();
        params.forEach(urlParams::set);
        ObjectNode templateParams = NODES.objectNode();
        if (s.profile != null && s.profile.templateParams != null && s.profile.templateParams.isObject()) {
            templateParams.setAll((ObjectNode) s.profile.templateParams.deepCopy());
        }
        templateParams.setAll(urlParams.deepCopy());
        if (!effectiveFilters.isEmpty()) {
            templateParams.set("_filters", effectiveFilters.deepCopy());
        }
        String sql = s.profile == null ? "" : String.valueOf(s.profile.sql);
        String dsParams = s.profile == null || s.profile.templateParams == null ? "null"
                : canonical(s.profile.templateParams).toString();
        return new ExecutionInputs(s.datasetId, sha256(sql + "\n" + dsParams), effectiveFilters,
                (ObjectNode) canonical(urlParams), (ObjectNode) canonical(templateParams));
    }

    /** The variable's mapping in force: the newest one not rejected, else the newest (rejected) one. */
    public static ExecutionMapping activeMapping(DatasetReviewSession s, String variableId) {
        ExecutionMapping rejected = null;
        for (int i = s.mappings.size() - 1; i >= 0; i--) {
            ExecutionMapping m = s.mappings.get(i);
            if (!m.variableId.equals(variableId)) {
                continue;
            }
            if (m.approvalState != ApprovalState.REJECTED) {
                return m;
            }
            if (rejected == null) {
                rejected = m;
            }
        }
        return rejected;
    }

    public String fingerprint() {
        ObjectNode all = NODES.objectNode();
        all.put("dataset_id", datasetId);
        all.put("sql_version", sqlVersion);
        all.set("effective_filters", effectiveFilters);
        all.set("url_params", urlParams);
        all.set("template_params", templateParams);
        return sha256(canonical(all).toString());
    }

    /** Object keys sorted at every level, so the same inputs always give the same text. */
    static JsonNode canonical(JsonNode n) {
        if (n.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), canonical(e.getValue()));
            }
            ObjectNode o = NODES.objectNode();
            sorted.forEach(o::set);
            return o;
        }
        if (n.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            n.forEach(x -> items.add(canonical(x)));
            ArrayNode a = NODES.arrayNode();
            a.addAll(items);
            return a;
        }
        return n;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
