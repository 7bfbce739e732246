package dev.conveyor.review.sessions;

import java.time.Instant;

/** A trusted or candidate source of field meaning (seed §4). */
public class SemanticSource {
    public String sourceId;
    public String sessionId;
    public SemanticSourceType sourceType;
    public String sourceRef;
    public String sourceVersion;
    public String displayName;
    public TrustLevel trustLevel;
    public Double schemaOverlapScore;
    public SemanticSourceStatus status;
    public Instant createdAt;
}
