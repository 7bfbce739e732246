package dev.conveyor.review.sessions.superset;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What intake reads of a Superset dataset ({@code GET /api/v1/dataset/{pk}}); {@code databaseId}
 * and {@code templateParams} (the parsed {@code template_params} JSON, or null) serve the preview
 * and the launch.
 */
public record SupersetDataset(int id, String tableName, String kind, String sql, boolean isSqllabView,
        String schema, String databaseName, String description, List<Column> columns, List<Metric> metrics,
        Integer databaseId, JsonNode templateParams) {

    public SupersetDataset(int id, String tableName, String kind, String sql, boolean isSqllabView, String schema,
            String databaseName, String description, List<Column> columns, List<Metric> metrics) {
        this(id, tableName, kind, sql, isSqllabView, schema, databaseName, description, columns, metrics, null, null);
    }

    public record Column(String columnName, String verboseName, String description, String type,
            String pythonDateFormat) {
    }

    public record Metric(String metricName, String verboseName, String description, String d3format,
            String expression) {
    }
}
