package dev.conveyor.review.sessions.config;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Superset environments a session may name, by {@code environment_id}. */
@ConfigMapping(prefix = "conveyor.superset")
public interface SupersetConfig {

    Map<String, Environment> environments();

    @WithDefault("10s")
    Duration timeout();

    /** The largest answer read from Superset; a bigger one is cut off while reading and refused. */
    @WithDefault("5M")
    MemorySize maxResponseSize();

    interface Environment {
        URI baseUrl();

        String username();

        /** From a Secret (environment variable), never from a file in the repository. */
        String password();

        /** Superset's login provider: {@code db} or {@code ldap}. */
        @WithDefault("db")
        String provider();

        /** This environment's time-out per call; {@code conveyor.superset.timeout} when absent. */
        Optional<Duration> timeout();

        /** This environment's answer size limit; {@code conveyor.superset.max-response-size} when absent. */
        Optional<MemorySize> maxResponseSize();
    }
}
