package dev.conveyor.review.sessions;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/** One recovered or user-supplied filter value (seed §5). */
public class ImportedFilter {
    public String filterId;
    public String sessionId;
    public String filterName;
    public String displayName;
    public JsonNode rawValue;
    public JsonNode normalizedValue;
    public FilterSource source;
    public FilterConfidenceState confidenceState;
    public boolean requiresConfirmation;
    public FilterRecoveryStatus recoveryStatus;
    public String notes;
    public Instant createdAt;
    public Instant updatedAt;
}
