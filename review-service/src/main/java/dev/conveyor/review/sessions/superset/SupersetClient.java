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

    static SupersetDataset parse(JsonNode r, int datasetId) {
        List<SupersetDataset.Column> columns = new ArrayList<>();
        r.path("columns").forEach(c -> columns.add(new SupersetDataset.Column(text(c, "column_name"),
                text(c, "verbose_name"), text(c, "description"), text(c, "type"), text(c, "python_date_format"))));
        List<SupersetDataset.Metric> metrics = new ArrayList<>();
        r.path("metrics").forEach(m -> metrics.add(new SupersetDataset.Metric(text(m, "metric_name"),
                text(m, "verbose_name"), text(m, "description"), text(m, "d3format"), text(m, "expression"))));
        return new SupersetDataset(r.path("id").asInt(datasetId), text(r, "table_name"), text(r, "kind"),
                text(r, "sql"), r.path("is_sqllab_view").asBoolean(false), text(r, "schema"),
                text(r.path("database"), "database_name"), text(r, "description"), columns, metrics);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
