package dev.conveyor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaTestResourceTest {

    @Test
    void shouldFollowAnExplicitChoiceWhateverDockerSays() {
        assertThat(KafkaTestResource.useContainer("container")).isTrue();
        assertThat(KafkaTestResource.useContainer("embedded")).isFalse();
    }

    @Test
    void shouldUseTheEmbeddedBrokerWhenNoDockerEngineAnswers() {
        // This machine has no Docker engine (README: tests run without one).
        org.junit.jupiter.api.Assumptions.assumeFalse(
                org.testcontainers.DockerClientFactory.instance().isDockerAvailable(), "a Docker engine answers here");
        assertThat(KafkaTestResource.useContainer("auto")).isFalse();
    }
}
