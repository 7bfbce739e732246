package dev.conveyor.review.sessions;

import java.time.Instant;

/** The consolidated interpretation of the dataset (seed §2). Derived flags are set by {@link Readiness}. */
public class DatasetProfile {
    public String profileId;
    public String sessionId;
    public String datasetName;
    public String schemaName;
    public String databaseName;
    public String businessSummary;
    public BusinessSummarySource businessSummarySource;
    public String description;
    public DatasetType datasetType;
    public boolean isSqllabView;
    /** Virtual datasets' SQL as Superset holds it; part 2 reads template variables from it. */
    public String sql;
    /** The dataset's database in Superset: SQL Lab runs the launch there. */
    public Integer databaseId;
    /** The dataset's {@code template_params} (a JSON object), as Superset holds them. */
    public com.fasterxml.jackson.databind.JsonNode templateParams;
    public Double completenessScore;
    public ConfidenceState confidenceState;
    public boolean hasBlockingFindings;
    public boolean hasWarningFindings;
    public boolean manualSummaryLocked;
    public Instant createdAt;
    public Instant updatedAt;
}
