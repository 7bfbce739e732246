package dev.conveyor.review.sessions.repository;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.conveyor.review.sessions.DatasetReviewSession;

/** The cache answers only at the version asked, keeps the newest version, and stays within its bound. */
class RecentSessionsTest {

    @Test
    void answersOnlyAtTheVersionTheRowShows() {
        RecentSessions cache = new RecentSessions(null, () -> 1000);
        cache.put(snapshot(3, 10));

        assertThat(cache.at("s-10", row(3))).isPresent();
        assertThat(cache.at("s-10", row(4))).isEmpty(); // another instance wrote version 4: read it from PostgreSQL
        assertThat(cache.at("s-11", row(3))).isEmpty();
    }

    @Test
    void anOlderStateNeverReplacesANewerOne() {
        RecentSessions cache = new RecentSessions(null, () -> 1000);
        cache.put(snapshot(5, 10));
        cache.put(snapshot(4, 10)); // a reader that loaded version 4 before the writer of 5 committed

        assertThat(cache.at("s-10", row(5))).isPresent();
        assertThat(cache.at("s-10", row(4))).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedGoFirstWhenTheRowsExceedTheBound() {
        RecentSessions cache = new RecentSessions(null, () -> 100);
        cache.put(snapshot(1, 40)); // 1 + 40 fields
        cache.put(snapshot(1, 41));
        cache.at("s-40", row(1)); // used: s-41 is now the eldest
        cache.put(snapshot(1, 42));

        assertThat(cache.at("s-40", row(1))).isPresent();
        assertThat(cache.at("s-41", row(1))).isEmpty();
        assertThat(cache.at("s-42", row(1))).isPresent();
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void aSessionLargerThanTheWholeCacheIsNotKept() {
        RecentSessions cache = new RecentSessions(null, () -> 10);
        cache.put(snapshot(1, 20));
        assertThat(cache.size()).isZero();
    }

    @Test
    void theSameVersionWrittenAtAnotherTimeIsAnotherState() {
        RecentSessions cache = new RecentSessions(null, () -> 1000);
        cache.put(snapshot(3, 10));
        // after a rebuild from a topic that lost events, version 3 can be reached again by other events
        assertThat(cache.at("s-10", new RecentSessions.Version(3, T0.plusSeconds(1)))).isEmpty();
    }

    static final java.time.Instant T0 = java.time.Instant.parse("2026-03-16T10:00:00Z");

    private static RecentSessions.Version row(long version) {
        return new RecentSessions.Version(version, T0.plusSeconds(version));
    }

    /** A session named s-{fields} with that many (empty) fields, changed at T0 + version seconds. */
    private static SessionSnapshot snapshot(long version, int fields) {
        DatasetReviewSession s = new DatasetReviewSession();
        s.sessionId = "s-" + fields;
        s.version = version;
        s.updatedAt = T0.plusSeconds(version);
        for (int i = 0; i < fields; i++) {
            s.fields.add(new dev.conveyor.review.sessions.SemanticFieldEntry());
        }
        return new SessionSnapshot(s, "{}");
    }
}
