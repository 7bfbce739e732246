package dev.conveyor.review.sessions.superset;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.config.SupersetConfig;

/**
 * Reads datasets from Superset's REST API: logs in ({@code POST /api/v1/security/login}, a JWT
 * access token), fetches a CSRF token ({@code GET /api/v1/security/csrf_token/}) as the API asks of
 * session-bound clients, then {@code GET /api/v1/dataset/{pk}}. A login per intake: intakes are rare
 * and tokens expire.
 */
@ApplicationScoped
public class SupersetClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SupersetConfig config;
    private final HttpClient http;

    public SupersetClient(SupersetConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout())
                .cookieHandler(new java.net.CookieManager()).build();
    }

    public boolean knows(String environmentId) {
        return environmentId != null && config.environments().containsKey(environmentId);
    }

    public SupersetDataset dataset(String environmentId, int datasetId) {
        SupersetConfig.Environment env = config.environments().get(environmentId);
        ObjectNode login = JSON.createObjectNode().put("username", env.username()).put("password", env.password())
                .put("provider", env.provider()).put("refresh", false);
        JsonNode tokens = call(HttpRequest.newBuilder(resolve(env, "/api/v1/security/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(login.toString())), "login");
        String access = text(tokens, "access_token");
        if (access == null) {
            throw new SupersetUnavailableException("Superset login answered no access_token", 200, null);
        }
        JsonNode csrf = call(get(env, "/api/v1/security/csrf_token/", access, null), "csrf token");
        JsonNode body = call(get(env, "/api/v1/dataset/" + datasetId, access, text(csrf, "result")),
                "dataset " + datasetId);
        return parse(body.path("result"), datasetId);
    }

    /** Superset's answer to a write: its HTTP status and its JSON body (null when it sent none). */
    public record Answer(int status, JsonNode body) {
    }

    /**
     * {@code POST /api/v1/chart/data} with a query context; answers Superset's JSON as it is (the
     * compiled SQL is {@code result[0].query} when {@code result_type} is {@code query}). Logs in and
     * fetches a CSRF token first: the API refuses writes without one.
     */
    public Answer chartData(String environmentId, JsonNode queryContext) {
        return write(environmentId, "/api/v1/chart/data", queryContext, "chart data");
    }

    /** {@code POST /api/v1/sqllab/execute/}: 200 for a synchronous run, 202 when SQL Lab runs it asynchronously. */
    public Answer executeSql(String environmentId, JsonNode body) {
        return write(environmentId, "/api/v1/sqllab/execute/", body, "SQL Lab execute");
    }

    private Answer write(String environmentId, String path, JsonNode body, String what) {
        SupersetConfig.Environment env = config.environments().get(environmentId);
        ObjectNode login = JSON.createObjectNode().put("username", env.username()).put("password", env.password())
                .put("provider", env.provider()).put("refresh", false);
        String access = text(call(HttpRequest.newBuilder(resolve(env, "/api/v1/security/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(login.toString())), "login"), "access_token");
        if (access == null) {
            throw new SupersetUnavailableException("Superset login answered no access_token", 200, null);
        }
        String csrf = text(call(get(env, "/api/v1/security/csrf_token/", access, null), "csrf token"), "result");
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(env, path))
                .header("Authorization", "Bearer " + access).header("Content-Type", "application/json")
                .header("Referer", env.baseUrl().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (csrf != null) {
            request.header("X-CSRFToken", csrf);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(config.timeout()).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SupersetUnavailableException("Superset did not answer the " + what + " request: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SupersetUnavailableException("interrupted while calling Superset", 0, e);
        }
        JsonNode answer = null;
        try {
            answer = response.body() == null || response.body().isBlank() ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            // not JSON (a proxy's error page): the status tells what happened
        }
        return new Answer(response.statusCode(), answer);
    }

    static SupersetDataset parse(JsonNode r, int datasetId) {
        List<SupersetDataset.Column> columns = new ArrayList<>();
        r.path("columns").forEach(c -> columns.add(new SupersetDataset.Column(text(c, "column_name"),
                text(c, "verbose_name"), text(c, "description"), text(c, "type"), text(c, "python_date_format"))));
        List<SupersetDataset.Metric> metrics = new ArrayList<>();
        r.path("metrics").forEach(m -> metrics.add(new SupersetDataset.Metric(text(m, "metric_name"),
                text(m, "verbose_name"), text(m, "description"), text(m, "d3format"), text(m, "expression"))));
        return new SupersetDataset(r.path("id").asInt(datasetId), text(r, "table_name"), text(r, "kind"),
                text(r, "sql"), r.path("is_sqllab_view").asBoolean(false), text(r, "schema"),
                text(r.path("database"), "database_name"), text(r, "description"), columns, metrics,
                r.path("database").hasNonNull("id") ? r.path("database").get("id").asInt() : null,
                templateParams(r.get("template_params")));
    }

    /** Superset keeps {@code template_params} as a JSON string; an unreadable one counts as none. */
    static JsonNode templateParams(JsonNode raw) {
        if (raw == null || raw.isNull()) {
            return null;
        }
        if (raw.isObject()) {
            return raw;
        }
        try {
            JsonNode parsed = JSON.readTree(raw.asText());
            return parsed != null && parsed.isObject() ? parsed : null;
        } catch (IOException e) {
            return null;
        }
    }

    private HttpRequest.Builder get(SupersetConfig.Environment env, String path, String access, String csrf) {
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(env, path)).header("Authorization", "Bearer " + access)
                .GET();
        if (csrf != null) {
            b.header("X-CSRFToken", csrf);
        }
        return b;
    }

    private JsonNode call(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(config.timeout()).header("Accept", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SupersetUnavailableException("Superset did not answer the " + what + " request: " + e, 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SupersetUnavailableException("interrupted while reading Superset", 0, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new SupersetUnavailableException("Superset answered " + response.statusCode() + " to the " + what
                    + " request", response.statusCode(), null);
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SupersetUnavailableException("Superset's answer to the " + what + " request is not JSON",
                    response.statusCode(), e);
        }
    }

    private static URI resolve(SupersetConfig.Environment env, String path) {
        String base = env.baseUrl().toString();
        return URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
