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

        assertThat(cache.at("s-10", 3)).isPresent();
        assertThat(cache.at("s-10", 4)).isEmpty(); // another instance wrote version 4: read it from PostgreSQL
        assertThat(cache.at("s-11", 3)).isEmpty();
    }

    @Test
    void anOlderStateNeverReplacesANewerOne() {
        RecentSessions cache = new RecentSessions(null, () -> 1000);
        cache.put(snapshot(5, 10));
        cache.put(snapshot(4, 10)); // a reader that loaded version 4 before the writer of 5 committed

        assertThat(cache.at("s-10", 5)).isPresent();
        assertThat(cache.at("s-10", 4)).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedGoFirstWhenTheRowsExceedTheBound() {
        RecentSessions cache = new RecentSessions(null, () -> 100);
        cache.put(snapshot(1, 40)); // 1 + 40 fields
        cache.put(snapshot(1, 41));
        cache.at("s-40", 1); // used: s-41 is now the eldest
        cache.put(snapshot(1, 42));

        assertThat(cache.at("s-40", 1)).isPresent();
        assertThat(cache.at("s-41", 1)).isEmpty();
        assertThat(cache.at("s-42", 1)).isPresent();
        assertThat(cache.size()).isEqualTo(2);
    }

    @Test
    void aSessionLargerThanTheWholeCacheIsNotKept() {
        RecentSessions cache = new RecentSessions(null, () -> 10);
        cache.put(snapshot(1, 20));
        assertThat(cache.size()).isZero();
    }

    /** A session named s-{fields} with that many (empty) fields. */
    private static SessionSnapshot snapshot(long version, int fields) {
        DatasetReviewSession s = new DatasetReviewSession();
        s.sessionId = "s-" + fields;
        s.version = version;
        for (int i = 0; i < fields; i++) {
            s.fields.add(new dev.conveyor.review.sessions.SemanticFieldEntry());
        }
        return new SessionSnapshot(s, "{}");
    }
}
