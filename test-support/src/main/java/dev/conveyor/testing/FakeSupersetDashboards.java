package dev.conveyor.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Superset's dashboards and the state its links carry, with the payload shapes of
 * {@code superset/dashboards/api.py}, {@code dashboards/permalink}, {@code dashboards/filter_state},
 * {@code explore/api.py} and {@code explore/permalink}:
 * <ul>
 * <li>{@code GET /api/v1/dashboard/{id_or_slug}} → {@code {"result": {"id", "slug", "dashboard_title",
 * "json_metadata": "<JSON string with native_filter_configuration>", ...}}};</li>
 * <li>{@code GET /api/v1/dashboard/{id_or_slug}/datasets} and {@code /charts} → {@code {"result": [...]}};</li>
 * <li>{@code GET /api/v1/dashboard/permalink/{key}} → {@code {"dashboardId", "state": {"dataMask",
 * "activeTabs", "anchor", "urlParams": [[k, v]]}}};</li>
 * <li>{@code GET /api/v1/dashboard/{pk}/filter_state/{key}} → {@code {"value": "<dataMask as a JSON string>"}};</li>
 * <li>{@code GET /api/v1/explore/?form_data_key=&slice_id=&datasource_id=&datasource_type=} →
 * {@code {"result": {"form_data", "dataset", "slice", "message"}}}; an unknown key falls back to the
 * chart's or dataset's form data with a message, as Superset does;</li>
 * <li>{@code GET /api/v1/explore/permalink/{key}} → {@code {"chartId", "datasourceId", "datasourceType",
 * "datasource", "state": {"formData", "urlParams"}}}.</li>
 * </ul>
 * Unknown ids and keys answer 404 {@code {"message": "Not found"}}.
 */
public final class FakeSupersetDashboards implements FakeSupersetHandler {

    private static final Pattern PERMALINK = Pattern.compile("/api/v1/dashboard/permalink/([^/]+)/?");
    private static final Pattern FILTER_STATE = Pattern.compile("/api/v1/dashboard/([^/]+)/filter_state/([^/]+)/?");
    private static final Pattern DASHBOARD = Pattern.compile("/api/v1/dashboard/([^/]+)(/datasets|/charts)?/?");
    private static final Pattern EXPLORE_PERMALINK = Pattern.compile("/api/v1/explore/permalink/([^/]+)/?");

    private final IntFunction<ObjectNode> datasets;
    private final Map<String, ObjectNode> dashboards = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> dashboardPermalinks = new ConcurrentHashMap<>();
    private final Map<String, String> filterStates = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> formData = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> explorePermalinks = new ConcurrentHashMap<>();
    private final Map<Integer, ObjectNode> charts = new ConcurrentHashMap<>();

    FakeSupersetDashboards(IntFunction<ObjectNode> datasets) {
        this.datasets = datasets;
    }

    /**
     * A dashboard over the given datasets (one chart each), with its native filters in
     * {@code json_metadata.native_filter_configuration}.
     */
    public FakeSupersetDashboards dashboard(int id, String slug, String title, List<Integer> datasetIds,
            List<ObjectNode> nativeFilters) {
        ObjectNode d = FakeSupersetExchange.JSON.createObjectNode();
        d.put("id", id);
        d.put("slug", slug);
        d.put("dashboard_title", title);
        d.put("published", true);
        ObjectNode metadata = FakeSupersetExchange.JSON.createObjectNode();
        metadata.putArray("native_filter_configuration").addAll(nativeFilters);
        metadata.put("color_scheme", "supersetColors");
        metadata.put("refresh_frequency", 0);
        d.put("json_metadata", metadata.toString());
        d.put("position_json", "{}");
        ArrayNode chartList = d.putArray("charts");
        ArrayNode ids = d.putArray("dataset_ids");
        for (int datasetId : datasetIds) {
            int chartId = id * 100 + ids.size() + 1;
            ObjectNode fd = FakeSupersetExchange.JSON.createObjectNode().put("datasource", datasetId + "__table")
                    .put("viz_type", "table").put("slice_id", chartId);
            chart(chartId, title + " chart " + (ids.size() + 1), fd);
            chartList.add(title + " chart " + (ids.size() + 1));
            ids.add(datasetId);
        }
        dashboards.put(String.valueOf(id), d);
        if (slug != null) {
            dashboards.put(slug, d);
        }
        return this;
    }

    /** A saved chart (for {@code slice_id}): its form data. */
    public FakeSupersetDashboards chart(int id, String name, ObjectNode chartFormData) {
        ObjectNode c = FakeSupersetExchange.JSON.createObjectNode();
        c.put("id", id);
        c.put("slice_name", name);
        c.set("form_data", chartFormData);
        charts.put(id, c);
        return this;
    }

    /** {@code /superset/dashboard/p/{key}/}: the dashboard (id or slug) and its state. */
    public FakeSupersetDashboards dashboardPermalink(String key, String dashboardId, ObjectNode dataMask,
            List<List<String>> urlParams) {
        ObjectNode v = FakeSupersetExchange.JSON.createObjectNode();
        v.put("dashboardId", dashboardId);
        ObjectNode state = v.putObject("state");
        state.set("dataMask", dataMask);
        state.putArray("activeTabs");
        state.put("anchor", "");
        ArrayNode params = state.putArray("urlParams");
        urlParams.forEach(p -> params.addArray().add(p.get(0)).add(p.get(1)));
        dashboardPermalinks.put(key, v);
        return this;
    }

    /** {@code ?native_filters_key=}: the dataMask, stored as Superset stores it (a JSON string). */
    public FakeSupersetDashboards filterState(int dashboardId, String key, ObjectNode dataMask) {
        filterStates.put(dashboardId + "/" + key, dataMask.toString());
        return this;
    }

    /** {@code /explore/?form_data_key=}: cached form data ({@code datasource} e.g. {@code "12__table"}). */
    public FakeSupersetDashboards exploreFormData(String key, ObjectNode data) {
        formData.put(key, data);
        return this;
    }

    /** {@code /explore/p/{key}/}: form data and URL parameters. */
    public FakeSupersetDashboards explorePermalink(String key, ObjectNode data, List<List<String>> urlParams) {
        ObjectNode v = FakeSupersetExchange.JSON.createObjectNode();
        String datasource = data.path("datasource").asText("");
        String[] parts = datasource.split("__");
        if (data.has("slice_id")) {
            v.put("chartId", data.get("slice_id").asInt());
        } else {
            v.putNull("chartId");
        }
        v.put("datasourceId", parts.length == 2 ? Integer.parseInt(parts[0]) : 0);
        v.put("datasourceType", parts.length == 2 ? parts[1] : "table");
        v.put("datasource", datasource);
        ObjectNode state = v.putObject("state");
        state.set("formData", data);
        ArrayNode params = state.putArray("urlParams");
        urlParams.forEach(p -> params.addArray().add(p.get(0)).add(p.get(1)));
        explorePermalinks.put(key, v);
        return this;
    }

    @Override
    public boolean handle(FakeSupersetExchange ex) throws IOException {
        if (!ex.method().equals("GET")) {
            return false;
        }
        String path = ex.path();
        Matcher m = PERMALINK.matcher(path);
        if (m.matches()) {
            answer(ex, dashboardPermalinks.get(m.group(1)));
            return true;
        }
        m = FILTER_STATE.matcher(path);
        if (m.matches()) {
            ObjectNode d = dashboards.get(m.group(1));
            String value = d == null ? null : filterStates.get(d.get("id").asInt() + "/" + m.group(2));
            answer(ex, value == null ? null : FakeSupersetExchange.JSON.createObjectNode().put("value", value));
            return true;
        }
        m = EXPLORE_PERMALINK.matcher(path);
        if (m.matches()) {
            answer(ex, explorePermalinks.get(m.group(1)));
            return true;
        }
        if (path.equals("/api/v1/explore/") || path.equals("/api/v1/explore")) {
            explore(ex);
            return true;
        }
        m = DASHBOARD.matcher(path);
        if (m.matches()) {
            ObjectNode d = dashboards.get(m.group(1));
            if (d == null) {
                answer(ex, null);
            } else if (m.group(2) == null) {
                ObjectNode result = d.deepCopy();
                result.remove("dataset_ids");
                answer(ex, FakeSupersetExchange.JSON.createObjectNode().set("result", result));
            } else if (m.group(2).equals("/datasets")) {
                ArrayNode out = FakeSupersetExchange.JSON.createArrayNode();
                d.get("dataset_ids").forEach(id -> {
                    ObjectNode ds = datasets.apply(id.asInt());
                    out.add(ds != null ? ds : FakeSupersetExchange.JSON.createObjectNode().put("id", id.asInt()));
                });
                answer(ex, FakeSupersetExchange.JSON.createObjectNode().set("result", out));
            } else {
                ArrayNode out = FakeSupersetExchange.JSON.createArrayNode();
                charts.values().stream().filter(c -> c.get("id").asInt() / 100 == d.get("id").asInt())
                        .sorted((a, b) -> Integer.compare(a.get("id").asInt(), b.get("id").asInt()))
                        .forEach(out::add);
                answer(ex, FakeSupersetExchange.JSON.createObjectNode().set("result", out));
            }
            return true;
        }
        return false;
    }

    private void explore(FakeSupersetExchange ex) throws IOException {
        String key = ex.query("form_data_key");
        String sliceId = ex.query("slice_id");
        String datasourceId = ex.query("datasource_id");
        ObjectNode data = key == null ? null : formData.get(key);
        String message = null;
        if (data == null && sliceId != null && charts.containsKey(Integer.parseInt(sliceId))) {
            data = (ObjectNode) charts.get(Integer.parseInt(sliceId)).get("form_data").deepCopy();
            message = key == null ? null : "Form data not found in cache, reverting to chart metadata.";
        }
        if (data == null && datasourceId != null) {
            data = FakeSupersetExchange.JSON.createObjectNode().put("datasource",
                    datasourceId + "__" + (ex.query("datasource_type") == null ? "table" : ex.query("datasource_type")));
            message = key == null ? null : "Form data not found in cache, reverting to dataset metadata.";
        }
        if (data == null) {
            answer(ex, null);
            return;
        }
        ObjectNode result = FakeSupersetExchange.JSON.createObjectNode();
        result.set("form_data", data);
        String[] ds = data.path("datasource").asText("").split("__");
        ObjectNode dataset = ds.length == 2 ? datasets.apply(Integer.parseInt(ds[0])) : null;
        result.set("dataset", dataset == null ? FakeSupersetExchange.JSON.createObjectNode() : dataset);
        Integer chart = data.has("slice_id") ? Integer.valueOf(data.get("slice_id").asInt()) : null;
        result.set("slice", chart != null && charts.containsKey(chart) ? charts.get(chart)
                : FakeSupersetExchange.JSON.nullNode());
        if (message == null) {
            result.putNull("message");
        } else {
            result.put("message", message);
        }
        answer(ex, FakeSupersetExchange.JSON.createObjectNode().set("result", result));
    }

    private static void answer(FakeSupersetExchange ex, JsonNode body) throws IOException {
        if (body == null) {
            ex.message(404, "Not found");
        } else {
            ex.send(200, body);
        }
    }

    // ---- builders for the shapes Superset stores (superset-frontend nativeFilters/types.ts) ----

    /**
     * A native filter as it stands in {@code native_filter_configuration}: {@code filter_select}
     * ({@code multiSelect} as given), {@code filter_range} or {@code filter_time}; {@code defaultValue}
     * null for none.
     */
    public static ObjectNode nativeFilter(String id, String name, String filterType, Integer datasetId, String column,
            boolean multiSelect, JsonNode defaultValue) {
        ObjectNode f = FakeSupersetExchange.JSON.createObjectNode();
        f.put("id", id);
        f.put("name", name);
        f.put("filterType", filterType);
        f.put("type", "NATIVE_FILTER");
        ArrayNode targets = f.putArray("targets");
        ObjectNode target = targets.addObject();
        if (datasetId != null) {
            target.put("datasetId", datasetId);
        }
        if (column != null) {
            target.putObject("column").put("name", column);
        }
        ObjectNode controls = f.putObject("controlValues");
        controls.put("multiSelect", multiSelect);
        controls.put("enableEmptyFilter", false);
        controls.put("defaultToFirstItem", false);
        f.putArray("cascadeParentIds");
        f.putObject("scope").putArray("rootPath").add("ROOT_ID");
        f.put("description", "");
        ObjectNode dm = f.putObject("defaultDataMask");
        if (defaultValue == null) {
            dm.putObject("extraFormData");
            dm.putObject("filterState");
        } else {
            dm.set("extraFormData", extraFormData(filterType, column, defaultValue));
            dm.putObject("filterState").set("value", defaultValue);
        }
        return f;
    }

    /** One entry of a dataMask: the filter's value as Superset stores it. */
    public static ObjectNode maskEntry(String id, String filterType, String column, JsonNode value) {
        ObjectNode e = FakeSupersetExchange.JSON.createObjectNode();
        e.put("id", id);
        e.set("extraFormData", value == null ? FakeSupersetExchange.JSON.createObjectNode()
                : extraFormData(filterType, column, value));
        ObjectNode state = e.putObject("filterState");
        if (value != null) {
            state.set("value", value);
        }
        e.putObject("ownState");
        return e;
    }

    /** A dataMask of the given entries, keyed by their {@code id}. */
    public static ObjectNode dataMask(List<ObjectNode> entries) {
        ObjectNode m = FakeSupersetExchange.JSON.createObjectNode();
        new ArrayList<>(entries).forEach(e -> m.set(e.get("id").asText(), e));
        return m;
    }

    private static ObjectNode extraFormData(String filterType, String column, JsonNode value) {
        ObjectNode x = FakeSupersetExchange.JSON.createObjectNode();
        if ("filter_time".equals(filterType)) {
            x.set("time_range", value);
        } else if ("filter_range".equals(filterType)) {
            ArrayNode filters = x.putArray("filters");
            if (value.size() > 0 && !value.get(0).isNull()) {
                filters.addObject().put("col", column).put("op", ">=").set("val", value.get(0));
            }
            if (value.size() > 1 && !value.get(1).isNull()) {
                filters.addObject().put("col", column).put("op", "<=").set("val", value.get(1));
            }
        } else {
            x.putArray("filters").addObject().put("col", column).put("op", "IN").set("val",
                    value.isArray() ? value : FakeSupersetExchange.JSON.createArrayNode().add(value));
        }
        return x;
    }
}
