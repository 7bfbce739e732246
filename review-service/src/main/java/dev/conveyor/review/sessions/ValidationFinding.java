package dev.conveyor.review.sessions;

import java.time.Instant;
import java.util.UUID;

/** A blocking issue, warning or observation (seed §3). */
public class ValidationFinding {
    public String findingId;
    public String sessionId;
    public FindingArea area;
    public FindingSeverity severity;
    public String code;
    public String title;
    public String message;
    public ResolutionState resolutionState;
    public String resolutionNote;
    public String causedByRef;
    public Instant createdAt;
    public Instant resolvedAt;
    /** A warning that must be approved before launch (seed §3), e.g. a risky mapping transformation. */
    public boolean launchSensitive;

    /** A new open finding with a fresh id. */
    public static ValidationFinding open(String sessionId, FindingArea area, FindingSeverity severity, String code,
            String title, String message, String causedByRef, Instant now) {
        ValidationFinding f = new ValidationFinding();
        f.findingId = UUID.randomUUID().toString();
        f.sessionId = sessionId;
        f.area = area;
        f.severity = severity;
        f.code = code;
        f.title = title;
        f.message = message;
        f.resolutionState = ResolutionState.OPEN;
        f.causedByRef = causedByRef;
        f.createdAt = now;
        return f;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isOpen() {
        return resolutionState == ResolutionState.OPEN;
    }
}
