package dev.conveyor.review.sessions.superset;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.review.sessions.config.SupersetConfig;

/**
 * Reads datasets from Superset's REST API ({@code GET /api/v1/dataset/{pk}}) through
 * {@link SupersetHttp}, which keeps the login (access and refresh token, CSRF token), the
 * time-out and the size limit.
 */
@ApplicationScoped
public class SupersetClient {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final SupersetConfig config;
    private final SupersetHttp calls;

    public SupersetClient(SupersetConfig config, SupersetHttp calls) {
        this.config = config;
        this.calls = calls;
    }

    public boolean knows(String environmentId) {
        return environmentId != null && config.environments().containsKey(environmentId);
    }

    public SupersetDataset dataset(String environmentId, int datasetId) {
        JsonNode body = calls.get(environmentId, "/api/v1/dataset/" + datasetId, "dataset " + datasetId);
        return parse(body.path("result"), datasetId);
    }

    /** Superset's answer to a write: its HTTP status and its JSON body (null when it sent none). */
    public record Answer(int status, JsonNode body) {
    }

    /**
     * {@code POST /api/v1/chart/data} with a query context; answers Superset's JSON as it is (the
     * compiled SQL is {@code result[0].query} when {@code result_type} is {@code query}). The HTTP
     * layer sends the CSRF token with the session cookie (the API refuses writes without them),
     * logs in again on 401, and keeps the time-out and the size limit.
     */
    public Answer chartData(String environmentId, JsonNode queryContext) {
        return write(environmentId, "/api/v1/chart/data", queryContext, "chart data");
    }

    /** {@code POST /api/v1/sqllab/execute/}: 200 for a synchronous run, 202 when SQL Lab runs it asynchronously. */
    public Answer executeSql(String environmentId, JsonNode body) {
        return write(environmentId, "/api/v1/sqllab/execute/", body, "SQL Lab execute");
    }

    private Answer write(String environmentId, String path, JsonNode body, String what) {
        SupersetHttp.Answer a = calls.send(environmentId, "POST", path, body, what);
        return new Answer(a.status(), a.body());
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
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
