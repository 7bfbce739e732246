package dev.conveyor.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ConfigMappingsTest {

    @Test
    void shouldFindRequiredLeavesAndThoseUnderAMap() {
        List<ConfigMappings.Leaf> leaves = ConfigMappings.leaves("""
                package x;
                /** The environments, by id. */
                @ConfigMapping(prefix = "conveyor.superset")
                public interface SupersetConfig {
                    Map<String, Environment> environments();

                    @WithDefault("10s")
                    Duration timeout();

                    Optional<String> note();

                    @WithName("the-name")
                    String named();

                    Nested nested();

                    interface Environment {
                        URI baseUrl();

                        /** From a Secret (environment variable), never from a file. */
                        String password();

                        @WithDefault("db")
                        String provider();
                    }

                    interface Nested {
                        int count();
                    }
                }
                """);

        assertThat(leaves).containsExactlyInAnyOrder(
                new ConfigMappings.Leaf("conveyor.superset.environments.*.base-url", true,
                        "conveyor.superset.environments", "base-url"),
                new ConfigMappings.Leaf("conveyor.superset.environments.*.password", true,
                        "conveyor.superset.environments", "password"),
                new ConfigMappings.Leaf("conveyor.superset.environments.*.provider", false,
                        "conveyor.superset.environments", "provider"),
                new ConfigMappings.Leaf("conveyor.superset.timeout", false, null, null),
                new ConfigMappings.Leaf("conveyor.superset.note", false, null, null),
                new ConfigMappings.Leaf("conveyor.superset.the-name", true, null, null),
                new ConfigMappings.Leaf("conveyor.superset.nested.count", true, null, null));
    }

    @Test
    void shouldIgnoreASourceWithoutAMapping() {
        assertThat(ConfigMappings.leaves("public interface Plain { String name(); }")).isEmpty();
    }
}
