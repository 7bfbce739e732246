package dev.conveyor.schemas.kafka;

import org.apache.kafka.common.serialization.Serde;

/** A topic with everything needed to use it: name, size, cleanup policy, and serdes of key and value. */
public record TopicSpec<K, V>(String name, int partitions, boolean compacted, Serde<K> keySerde, Serde<V> valueSerde) {
}
