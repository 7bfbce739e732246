package dev.conveyor.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

/**
 * The fake Superset's compile-and-run part, as Superset's {@code superset/charts/data/api.py},
 * {@code superset/sqllab/api.py} and {@code superset/jinja_context.py} behave:
 * <ul>
 * <li>{@code POST /api/v1/chart/data} with a query context ({@code datasource: {id, type}},
 * {@code queries[0]} with {@code columns}, {@code filters: [{col, op, val}]}, {@code url_params},
 * {@code row_limit}; {@code result_type: "query"}): the dataset's SQL is REALLY rendered as a Jinja
 * template (jinjava) with the dataset's {@code template_params}, {@code filter_values}/{@code get_filters}
 * reading the first query's filters and {@code url_param} its url_params, wrapped as Superset wraps
 * a virtual dataset, and answered as {@code {"result": [{"query", "language"}]}};</li>
 * <li>{@code POST /api/v1/sqllab/execute/} with {@code database_id}, {@code sql}, {@code schema},
 * {@code templateParams} (a JSON string; its {@code _filters} feed filter_values as in SQL Lab),
 * {@code runAsync}, {@code client_id}: 200 {@code status: success} with the query, or 202 with the
 * query {@code pending} when asked to run asynchronously;</li>
 * <li>both are writes: the server's {@link FakeSupersetAuth} asks for the CSRF token bound to the
 * session cookie first;</li>
 * <li>per path, a status to answer instead (401, 403, 404, 422, 500, ...) and a delay before answering.</li>
 * </ul>
 * jinjava renders Jinja's syntax; Python-only string methods (such as {@code "','".join(...)}) are
 * not available here: templates in tests use Jinja filters ({@code |join}).
 */
public final class FakeSupersetSqlLab implements FakeSupersetHandler {

    public static final String CHART_DATA = "/api/v1/chart/data";
    public static final String SQLLAB_EXECUTE = "/api/v1/sqllab/execute/";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadLocal<Request> CURRENT = new ThreadLocal<>();
    private static final Jinjava JINJAVA = jinjava();

    private final IntFunction<ObjectNode> datasets;
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final List<JsonNode> chartDataRequests = new CopyOnWriteArrayList<>();
    private final List<JsonNode> executed = new CopyOnWriteArrayList<>();
    private final AtomicInteger queryIds = new AtomicInteger(100);

    /** What the Jinja functions read while one request renders. */
    private record Request(List<JsonNode> filters, JsonNode urlParams, String username) {
    }

    FakeSupersetSqlLab(IntFunction<ObjectNode> datasets) {
        this.datasets = datasets;
    }

    /** Every later request to {@code path} answers {@code status} (Superset's error body) until {@link #heal()}. */
    public FakeSupersetSqlLab fail(String path, int status) {
        failures.put(path, status);
        return this;
    }

    /** Every later request to {@code path} waits {@code delay} before it is answered. */
    public FakeSupersetSqlLab slow(String path, Duration delay) {
        delays.put(path, delay);
        return this;
    }

    public void heal() {
        failures.clear();
        delays.clear();
    }

    /** The query contexts received at chart/data, in order. */
    public List<JsonNode> chartDataRequests() {
        return List.copyOf(chartDataRequests);
    }

    /** The SQL Lab execute bodies received, in order, each with {@code executed_sql} added (what ran). */
    public List<JsonNode> executed() {
        return List.copyOf(executed);
    }

    /**
     * Answers the request if it is one of this part's paths; the server has checked the bearer
     * token and, on writes, the CSRF token bound to the session cookie ({@link FakeSupersetAuth}).
     */
    @Override
    public boolean handle(FakeSupersetExchange ex) throws IOException {
        String path = ex.path();
        byte[] body = ex.body();
        if (!path.equals(CHART_DATA) && !path.equals(CHART_DATA + "/") && !path.equals(SQLLAB_EXECUTE)) {
            return false;
        }
        String key = path.startsWith(CHART_DATA) ? CHART_DATA : SQLLAB_EXECUTE;
        Duration delay = delays.get(key);
        if (delay != null) {
            try {
                Thread.sleep(delay.toMillis()); // the fake being slow, as a loaded Superset is
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!ex.method().equals("POST")) {
            send(ex, 405, "{\"message\":\"Method Not Allowed\"}");
            return true;
        }
        Integer failure = failures.get(key);
        if (failure != null) {
            send(ex, failure, errorBody(failure));
            return true;
        }
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            send(ex, 400, "{\"message\":\"Request is not JSON\"}");
            return true;
        }
        if (key.equals(CHART_DATA)) {
            chartDataRequests.add(request);
            chartData(ex, request);
        } else {
            sqlLab(ex, request);
        }
        return true;
    }

    private void chartData(FakeSupersetExchange ex, JsonNode qc) throws IOException {
        if (!qc.path("datasource").has("id") || !qc.path("queries").isArray() || qc.path("queries").isEmpty()) {
            send(ex, 400, "{\"message\":{\"datasource\":[\"Missing data for required field.\"]}}");
            return;
        }
        if (!"query".equals(qc.path("result_type").asText())) {
            send(ex, 400, "{\"message\":\"the fake Superset compiles only result_type query\"}");
            return;
        }
        ObjectNode dataset = datasets.apply(qc.path("datasource").path("id").asInt());
        if (dataset == null) {
            send(ex, 404, "{\"message\":\"Not found\"}");
            return;
        }
        JsonNode query = qc.path("queries").get(0);
        List<JsonNode> filters = new ArrayList<>();
        query.path("filters").forEach(filters::add);
        Map<String, Object> context = new HashMap<>(templateParams(dataset));
        String from;
        if (dataset.hasNonNull("sql") && !dataset.get("sql").asText().isBlank()) {
            RenderResult r = render(dataset.get("sql").asText(), context,
                    new Request(filters, query.path("url_params"), "conveyor-reader"));
            String error = fatal(r);
            if (error != null) {
                send(ex, 400, JSON.createObjectNode().put("message", "Error while rendering virtual dataset query: "
                        + error).toString());
                return;
            }
            from = "(" + r.getOutput().strip() + ") AS virtual_table";
        } else {
            from = (dataset.hasNonNull("schema") ? dataset.get("schema").asText() + "." : "")
                    + dataset.path("table_name").asText();
        }
        List<String> columns = new ArrayList<>();
        query.path("columns").forEach(c -> columns.add(c.isTextual() ? c.asText() : c.path("label").asText()));
        List<String> known = new ArrayList<>();
        dataset.path("columns").forEach(c -> known.add(c.path("column_name").asText()));
        List<String> where = new ArrayList<>();
        for (JsonNode f : filters) {
            // filters on columns the dataset has apply outside as well, as in Superset
            if (known.contains(f.path("col").asText())) {
                where.add(f.path("col").asText() + " " + f.path("op").asText("IN") + " (" + literals(f.path("val"))
                        + ")");
            }
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(columns.isEmpty() ? "*" : String.join(", ", columns))
                .append(" \nFROM ").append(from);
        if (!where.isEmpty()) {
            sql.append(" \nWHERE ").append(String.join(" AND ", where));
        }
        sql.append(" \nLIMIT ").append(query.path("row_limit").asInt(10000));
        ObjectNode answer = JSON.createObjectNode();
        answer.putArray("result").addObject().put("query", sql.toString()).put("language", "sql");
        send(ex, 200, answer.toString());
    }

    private void sqlLab(FakeSupersetExchange ex, JsonNode req) throws IOException {
        if (!req.hasNonNull("database_id") || !req.hasNonNull("sql")) {
            ObjectNode errors = JSON.createObjectNode();
            ObjectNode message = errors.putObject("message");
            if (!req.hasNonNull("database_id")) {
                message.putArray("database_id").add("Missing data for required field.");
            }
            if (!req.hasNonNull("sql")) {
                message.putArray("sql").add("Missing data for required field.");
            }
            send(ex, 400, errors.toString());
            return;
        }
        Map<String, Object> params = new HashMap<>();
        List<JsonNode> filters = new ArrayList<>();
        if (req.hasNonNull("templateParams")) {
            try {
                JsonNode tp = JSON.readTree(req.get("templateParams").asText());
                params.putAll(JSON.convertValue(tp, Map.class));
                tp.path("_filters").forEach(filters::add);
            } catch (IOException e) {
                send(ex, 400, "{\"message\":\"templateParams is not JSON\"}");
                return;
            }
        }
        RenderResult r = render(req.get("sql").asText(), params, new Request(filters, JSON.createObjectNode(),
                "conveyor-reader"));
        String error = fatal(r);
        if (error != null) {
            send(ex, 422, JSON.createObjectNode().put("message", "The query contains one or more malformed "
                    + "template parameters: " + error).toString());
            return;
        }
        int queryId = queryIds.incrementAndGet();
        boolean async = req.path("runAsync").asBoolean(false);
        ObjectNode ran = req.deepCopy();
        ran.put("executed_sql", r.getOutput());
        executed.add(ran);
        ObjectNode query = JSON.createObjectNode();
        query.put("id", req.path("client_id").asText());
        query.put("queryId", queryId);
        query.put("dbId", req.get("database_id").asInt());
        query.put("sql", req.get("sql").asText());
        query.put("executedSql", r.getOutput());
        query.put("schema", req.path("schema").asText(null));
        query.put("state", async ? "pending" : "success");
        query.put("templateParams", req.path("templateParams").asText(null));
        if (async) {
            ObjectNode answer = JSON.createObjectNode();
            answer.set("query", query);
            send(ex, 202, answer.toString());
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", "success");
        answer.put("query_id", queryId);
        answer.putArray("data");
        answer.putArray("columns");
        answer.putArray("selected_columns");
        answer.putArray("expanded_columns");
        answer.set("query", query);
        send(ex, 200, answer.toString());
    }

    static Map<String, Object> templateParams(ObjectNode dataset) {
        JsonNode raw = dataset.get("template_params");
        if (raw == null || raw.isNull()) {
            return Map.of();
        }
        try {
            JsonNode tp = raw.isTextual() ? JSON.readTree(raw.asText()) : raw;
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.convertValue(tp, Map.class);
            return m;
        } catch (IOException e) {
            return Map.of();
        }
    }

    private static RenderResult render(String sql, Map<String, Object> context, Request request) {
        CURRENT.set(request);
        try {
            return JINJAVA.renderForResult(sql, context);
        } finally {
            CURRENT.remove();
        }
    }

    private static String fatal(RenderResult r) {
        for (TemplateError e : r.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                return e.getMessage() + " (line " + e.getLineno() + ")";
            }
        }
        return null;
    }

    private static String literals(JsonNode val) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : val.isArray() ? val : JSON.createArrayNode().add(val)) {
            out.add(v.isNumber() ? v.asText() : "'" + v.asText().replace("'", "''") + "'");
        }
        return String.join(", ", out);
    }

    static String errorBody(int status) {
        return switch (status) {
            case 401 -> "{\"msg\":\"Token has expired\"}";
            case 403 -> "{\"message\":\"Forbidden\"}";
            case 404 -> "{\"message\":\"Not found\"}";
            case 422 -> "{\"message\":\"Unprocessable: the datasource is invalid\"}";
            default -> "{\"message\":\"Fatal error\"}";
        };
    }

    private static void send(FakeSupersetExchange ex, int status, String json) throws IOException {
        ex.send(status, json);
    }

    // Superset's Jinja macros, reading the request being rendered

    public static List<Object> filterValues(String column, Object... rest) {
        List<Object> out = new ArrayList<>();
        for (Map<String, Object> f : getFilters(column)) {
            Object val = f.get("val");
            if (val instanceof List<?> list) {
                out.addAll(list);
            } else if (val != null) {
                out.add(val);
            }
        }
        if (out.isEmpty() && rest.length > 0 && rest[0] != null) {
            out.add(rest[0]);
        }
        return out;
    }

    public static List<Map<String, Object>> getFilters(String column, Object... rest) {
        Request r = CURRENT.get();
        List<Map<String, Object>> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        for (JsonNode f : r.filters()) {
            if (column.equals(f.path("col").asText()) && f.has("val") && !f.get("val").isNull()) {
                Map<String, Object> m = new HashMap<>();
                m.put("op", f.path("op").asText("IN").toUpperCase());
                m.put("col", column);
                m.put("val", JSON.convertValue(f.get("val"), Object.class));
                out.add(m);
            }
        }
        return out;
    }

    public static Object urlParam(String name, Object... rest) {
        Request r = CURRENT.get();
        if (r != null && r.urlParams().hasNonNull(name)) {
            return r.urlParams().get(name).asText();
        }
        return rest.length > 0 ? rest[0] : null;
    }

    public static String currentUsername() {
        Request r = CURRENT.get();
        return r == null ? null : r.username();
    }

    private static Jinjava jinjava() {
        Jinjava j = new Jinjava();
        j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "filter_values", FakeSupersetSqlLab.class,
                "filterValues", String.class, Object[].class));
        j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "get_filters", FakeSupersetSqlLab.class,
                "getFilters", String.class, Object[].class));
        j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "url_param", FakeSupersetSqlLab.class,
                "urlParam", String.class, Object[].class));
        j.getGlobalContext().registerFunction(new ELFunctionDefinition("", "current_username",
                FakeSupersetSqlLab.class, "currentUsername"));
        return j;
    }


}
