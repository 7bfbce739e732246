package dev.conveyor.review.sessions.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Superset environments a session may name, by {@code environment_id}. */
@ConfigMapping(prefix = "conveyor.superset")
public interface SupersetConfig {

    Map<String, Environment> environments();

    @WithDefault("10s")
    Duration timeout();

    interface Environment {
        URI baseUrl();

        String username();

        /** From a Secret (environment variable), never from a file in the repository. */
        String password();

        /** Superset's login provider: {@code db} or {@code ldap}. */
        @WithDefault("db")
        String provider();
    }
}
