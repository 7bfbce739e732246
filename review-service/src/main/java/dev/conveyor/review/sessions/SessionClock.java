package dev.conveyor.review.sessions;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Times in milliseconds, as the topic carries them, so a rebuilt session equals the original. */
public final class SessionClock {

    private SessionClock() {
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
