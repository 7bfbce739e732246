package dev.conveyor.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void shouldKeepADeletingTopicForItsRetention() {
        var spec = new TopicSpec<>("t", 3, false, Serdes.String(), Serdes.String(), Duration.ofDays(30));

        assertThat(spec.configs()).containsExactly(Map.entry("cleanup.policy", "delete"),
                Map.entry("retention.ms", "2592000000"));
    }

    @Test
    void shouldDefaultToAWeekAndCompactWithoutRetention() {
        var deleting = new TopicSpec<>("d", 1, false, Serdes.String(), Serdes.String());
        var compacted = new TopicSpec<>("c", 1, true, Serdes.String(), Serdes.String());

        assertThat(deleting.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(deleting.configs()).containsEntry("retention.ms", "604800000");
        assertThat(compacted.configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
    }

    @Test
    void shouldRefuseADeletingTopicWithoutRetention() {
        assertThatThrownBy(() -> new TopicSpec<>("x", 1, false, Serdes.String(), Serdes.String(), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x");
    }

    @Test
    void shouldKeepTheDeadLettersAMonth() {
        assertThat(Topics.DEAD_LETTER.configs()).containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis()));
    }

    @Test
    void shouldKeepTheEventLogsThatAggregatesAreRebuiltFromForever() {
        assertThat(Topics.PATH_EVENTS.configs()).containsExactly(Map.entry("cleanup.policy", "delete"),
                Map.entry("retention.ms", "-1"), Map.entry("retention.bytes", "-1"));
        assertThat(Topics.REVIEW_SESSION_EVENTS.configs()).containsEntry("retention.ms", "-1");
        assertThatThrownBy(() -> new TopicSpec<>("y", 1, false, Serdes.String(), Serdes.String(), Duration.ofMillis(-2)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
