package dev.conveyor.review.sessions;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Which status may follow which; archived and cancelled are final and read-only. */
public final class SessionLifecycle {

    private static final Map<SessionStatus, Set<SessionStatus>> NEXT = Map.of(
            SessionStatus.ACTIVE, EnumSet.of(SessionStatus.PAUSED, SessionStatus.COMPLETED, SessionStatus.ARCHIVED,
                    SessionStatus.CANCELLED),
            SessionStatus.PAUSED, EnumSet.of(SessionStatus.ACTIVE, SessionStatus.ARCHIVED, SessionStatus.CANCELLED),
            SessionStatus.COMPLETED, EnumSet.of(SessionStatus.ARCHIVED),
            SessionStatus.ARCHIVED, EnumSet.noneOf(SessionStatus.class),
            SessionStatus.CANCELLED, EnumSet.noneOf(SessionStatus.class));

    private SessionLifecycle() {
    }

    public static boolean allows(SessionStatus from, SessionStatus to) {
        return NEXT.get(from).contains(to);
    }

    /** Archived and cancelled end the session; completed closes it for work. */
    public static boolean closes(SessionStatus to) {
        return to == SessionStatus.COMPLETED || to == SessionStatus.ARCHIVED || to == SessionStatus.CANCELLED;
    }
}
