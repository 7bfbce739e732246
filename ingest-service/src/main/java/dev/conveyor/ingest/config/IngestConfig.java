package dev.conveyor.ingest.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits and timings of the ingest path. */
@ConfigMapping(prefix = "conveyor.ingest")
public interface IngestConfig {

    /** Largest batch one POST may carry; larger batches are rejected whole. */
    @WithDefault("10000")
    int maxBatchRows();

    /**
     * How long publishing one batch to Kafka may take before the request answers 503. Bounds the
     * producer's blocking calls so a dead broker does not hold the database transaction open.
     */
    @WithDefault("10s")
    Duration publishTimeout();

    /** Consumer group of the loop that stores rows produced straight onto the topic. */
    @WithDefault("conveyor-ingest")
    String consumerGroup();
}
