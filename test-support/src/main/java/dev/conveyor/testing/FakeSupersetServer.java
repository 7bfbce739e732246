package dev.conveyor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for Apache Superset's REST API, as documented for
 * {@code superset/security/api.py} and {@code superset/datasets/api.py}:
 * <ul>
 * <li>{@code POST /api/v1/security/login} with {@code username}, {@code password},
 * {@code provider} ({@code db}/{@code ldap}) and {@code refresh}: {@code {"access_token", "refresh_token"}},
 * 401 {@code {"message": "Not authorized"}} for wrong credentials;</li>
 * <li>{@code GET /api/v1/security/csrf_token/} with the bearer token: {@code {"result": token}};</li>
 * <li>{@code GET /api/v1/dataset/{pk}} with the bearer token: {@code {"id", "result": {...},
 * "show_columns", "label_columns", "description_columns", "show_title"}}, 404 {@code {"message": "Not found"}}.</li>
 * </ul>
 * Datasets are registered by tests; {@link #down(boolean)} makes every request answer 503 as a
 * Superset behind a load balancer does when it is down.
 * <p>
 * The rest lives in its own classes: JWT access/refresh tokens and CSRF in {@link FakeSupersetAuth},
 * injected errors per path in {@link FakeSupersetFaults} (checked first), and the API parts as
 * {@link FakeSupersetHandler}s registered in the constructor (dashboards, permalinks, filter state
 * and explore in {@link FakeSupersetDashboards}).
 */
public final class FakeSupersetServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern DATASET = Pattern.compile("/api/v1/dataset/(\\d+)/?");

    private final HttpServer server;
    // cached: an injected slow answer holds its thread for as long as it waits
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final String username;
    private final String password;
    private final Map<Integer, ObjectNode> datasets = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private final FakeSupersetSqlLab sqlLab = new FakeSupersetSqlLab(datasets::get);
    private final FakeSupersetAuth auth;
    private final FakeSupersetFaults faults = new FakeSupersetFaults();
    private final List<FakeSupersetHandler> handlers = new CopyOnWriteArrayList<>();
    private final FakeSupersetDashboards dashboards;

    private FakeSupersetServer(String username, String password) {
        this.username = username;
        this.password = password;
        this.auth = new FakeSupersetAuth(username, password);
        this.dashboards = new FakeSupersetDashboards(datasets::get);
        handlers.add(dashboards);
        handlers.add(sqlLab);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static FakeSupersetServer start(String username, String password) {
        return new FakeSupersetServer(username, password);
    }

    /** By name, as a Superset environment is configured: links to it must name the same host. */
    public String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** Logins, token lifetimes and CSRF. */
    public FakeSupersetAuth auth() {
        return auth;
    }

    /** Errors, slow and oversized answers, redirects, per path. */
    public FakeSupersetFaults faults() {
        return faults;
    }

    /** Dashboards, their native filters and datasets, permalinks, filter state, explore form data. */
    public FakeSupersetDashboards dashboards() {
        return dashboards;
    }

    /** How many requests reached the fake so far. */
    public int requestCount() {
        return requests.size();
    }

    /** Registers a dataset as {@code GET /api/v1/dataset/{pk}} shows it (the {@code result} object). */
    public FakeSupersetServer dataset(ObjectNode result) {
        datasets.put(result.get("id").asInt(), result);
        return this;
    }

    /** Chart data (compiled SQL) and SQL Lab execute, with their error injection. */
    public FakeSupersetSqlLab sqlLab() {
        return sqlLab;
    }

    public void down(boolean down) {
        this.down = down;
    }

    /** Method and path of every request, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path);
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (down) {
                send(ex, 503, "{\"message\":\"Service Unavailable\"}");
                return;
            }
            FakeSupersetExchange request = new FakeSupersetExchange(ex, body);
            if (faults.handle(request) || auth.handle(request)) {
                return;
            }
            Matcher m = DATASET.matcher(path);
            if (m.matches() && ex.getRequestMethod().equals("GET")) {
                ObjectNode result = datasets.get(Integer.parseInt(m.group(1)));
                if (result == null) {
                    send(ex, 404, "{\"message\":\"Not found\"}");
                    return;
                }
                ObjectNode answer = JSON.createObjectNode();
                answer.put("id", result.get("id").asInt());
                answer.set("result", result);
                ArrayNode show = answer.putArray("show_columns");
                result.fieldNames().forEachRemaining(show::add);
                answer.putObject("label_columns");
                answer.putObject("description_columns");
                answer.put("show_title", "Show Sqla Table");
                send(ex, 200, answer.toString());
                return;
            }
            for (FakeSupersetHandler h : handlers) {
                if (h.handle(request)) {
                    return;
                }
            }
            send(ex, 404, "{\"message\":\"Not found\"}");
        }
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A dataset as Superset shows it: a physical table with the given columns and metrics. */
    public static ObjectNode table(int id, String tableName, String schema, String database, String description) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", id);
        r.put("table_name", tableName);
        r.put("schema", schema);
        r.putObject("database").put("id", 1).put("database_name", database).put("backend", "postgresql");
        if (description == null) {
            r.putNull("description");
        } else {
            r.put("description", description);
        }
        r.put("kind", "physical");
        r.put("datasource_type", "table");
        r.putNull("sql");
        r.put("is_sqllab_view", false);
        r.putNull("template_params");
        r.put("main_dttm_col", (String) null);
        r.putArray("columns");
        r.putArray("metrics");
        return r;
    }

    /** The same as a virtual dataset over {@code sql}. */
    public static ObjectNode virtual(int id, String name, String schema, String database, String sql,
            boolean sqllabView) {
        ObjectNode r = table(id, name, schema, database, null);
        r.put("kind", "virtual");
        r.put("sql", sql);
        r.put("is_sqllab_view", sqllabView);
        return r;
    }

    public static ObjectNode column(ObjectNode dataset, String name, String type, String verboseName,
            String description) {
        ArrayNode columns = (ArrayNode) dataset.get("columns");
        ObjectNode c = columns.addObject();
        c.put("id", columns.size());
        c.put("column_name", name);
        c.put("type", type);
        c.put("verbose_name", verboseName);
        c.put("description", description);
        c.put("is_dttm", type.startsWith("TIMESTAMP") || type.equals("DATE"));
        c.put("is_active", true);
        c.put("filterable", true);
        c.put("groupby", true);
        c.putNull("expression");
        c.putNull("python_date_format");
        c.put("uuid", UUID.randomUUID().toString());
        return c;
    }

    public static ObjectNode metric(ObjectNode dataset, String name, String expression, String verboseName,
            String description, String d3format) {
        ArrayNode metrics = (ArrayNode) dataset.get("metrics");
        ObjectNode m = metrics.addObject();
        m.put("id", metrics.size());
        m.put("metric_name", name);
        m.put("expression", expression);
        m.put("metric_type", "sum");
        m.put("verbose_name", verboseName);
        m.put("description", description);
        m.put("d3format", d3format);
        m.putNull("warning_text");
        m.put("uuid", UUID.randomUUID().toString());
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
