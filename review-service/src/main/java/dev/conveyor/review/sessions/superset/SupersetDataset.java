package dev.conveyor.review.sessions.superset;

import java.util.List;

/** What intake reads of a Superset dataset ({@code GET /api/v1/dataset/{pk}}). */
public record SupersetDataset(int id, String tableName, String kind, String sql, boolean isSqllabView,
        String schema, String databaseName, String description, List<Column> columns, List<Metric> metrics) {

    public record Column(String columnName, String verboseName, String description, String type,
            String pythonDateFormat) {
    }

    public record Metric(String metricName, String verboseName, String description, String d3format,
            String expression) {
    }
}
