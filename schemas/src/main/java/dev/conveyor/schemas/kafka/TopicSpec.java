package dev.conveyor.schemas.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with everything needed to use it: name, size, cleanup policy, retention, and serdes of
 * key and value. The Kubernetes manifests' {@code KafkaTopic}s are checked against {@link #configs()}.
 */
public record TopicSpec<K, V>(String name, int partitions, boolean compacted, Serde<K> keySerde, Serde<V> valueSerde,
        Duration retention) {

    /** Kafka's own default: long enough to replay a week of work after an outage. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    /** For event logs that aggregates are rebuilt from: nothing is ever deleted ({@code retention.ms=-1}). */
    public static final Duration KEEP_FOREVER = Duration.ofMillis(-1);

    public TopicSpec {
        if (!compacted && !KEEP_FOREVER.equals(retention)
                && (retention == null || retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException(name + ": a deleting topic needs a positive retention or KEEP_FOREVER");
        }
    }

    /** A topic kept for {@link #DEFAULT_RETENTION} (compacted topics keep every key's last value). */
    public TopicSpec(String name, int partitions, boolean compacted, Serde<K> keySerde, Serde<V> valueSerde) {
        this(name, partitions, compacted, keySerde, valueSerde, compacted ? null : DEFAULT_RETENTION);
    }

    /** The topic-level settings the broker must hold for this topic, as Kafka names them. */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("cleanup.policy", compacted ? "compact" : "delete");
        if (!compacted) {
            configs.put("retention.ms", Long.toString(retention.toMillis()));
            if (KEEP_FOREVER.equals(retention)) {
                configs.put("retention.bytes", "-1");
            }
        }
        return configs;
    }
}
