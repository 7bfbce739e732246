package dev.conveyor.review.sessions;

import java.time.Instant;

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

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isOpen() {
        return resolutionState == ResolutionState.OPEN;
    }
}
