package dev.conveyor.review.sessions;

import java.time.Instant;

/** A generated export (seed §9); its bytes are kept under {@code storage_ref}. */
public class ExportArtifact {
    public String artifactId;
    public String sessionId;
    public ArtifactType artifactType;
    public ArtifactFormat format;
    public String storageRef;
    public String createdByUserId;
    public Instant createdAt;
}
