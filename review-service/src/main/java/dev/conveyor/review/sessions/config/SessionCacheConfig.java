package dev.conveyor.review.sessions.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The in-memory copies of recently used sessions (each validated by its version under the row lock). */
@ConfigMapping(prefix = "conveyor.review.sessions.cache")
public interface SessionCacheConfig {

    /**
     * How many fields and findings (plus one per session) the cache may hold: about 1.5 KB of heap
     * each, so the default (20,000) is ~30 MB, e.g. 40 sessions of 500 fields. 0 turns it off.
     */
    @WithDefault("20000")
    int maxEntries();
}
