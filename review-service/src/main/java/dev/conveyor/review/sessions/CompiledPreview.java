package dev.conveyor.review.sessions;

import java.time.Instant;

/** The exact SQL Superset compiled for the session's effective inputs (seed §8). */
public class CompiledPreview {
    public String previewId;
    public String sessionId;
    public PreviewStatus previewStatus;
    public String compiledSql;
    public String previewFingerprint;
    public CompiledBy compiledBy;
    public String errorCode;
    public String errorDetails;
    public Instant compiledAt;
    public Instant createdAt;
}
