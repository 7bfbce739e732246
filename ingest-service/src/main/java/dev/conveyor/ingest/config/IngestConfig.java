package dev.conveyor.ingest.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits and timings of the ingest path. */
@ConfigMapping(prefix = "conveyor.ingest")
public interface IngestConfig {

    /** Largest JSON-array batch one POST may carry; larger batches are rejected whole. */
    @WithDefault("10000")
    int maxBatchRows();

    /** Largest JSON-array body (bytes); NDJSON and CSV uploads stream and have {@link #maxUploadBytes()}. */
    @WithDefault("10485760")
    long maxJsonBodyBytes();

    /** Largest NDJSON or CSV upload (bytes). */
    @WithDefault("4294967296")
    long maxUploadBytes();

    /** Longest NDJSON line or CSV line (bytes); a longer NDJSON line is rejected alone, a CSV file whole. */
    @WithDefault("1048576")
    int maxLineBytes();

    /** Largest row, as one Kafka record (below the producer's 1 MiB {@code max.request.size}). */
    @WithDefault("900000")
    int maxRowBytes();

    /** Rows per COPY while an upload streams in. */
    @WithDefault("5000")
    int uploadChunkRows();

    /** How many rejected lines an upload's answer lists one by one (all are counted). */
    @WithDefault("1000")
    int maxListedRejections();

    /**
     * Seconds one ingest request's database transaction may run (an upload of millions of rows is
     * one transaction); read by {@code IdempotencyService}'s transaction configuration.
     */
    @WithDefault("3600")
    int requestTransactionTimeout();

    /** How long one relay transaction to Kafka may take before it is aborted and retried. */
    @WithDefault("10s")
    Duration publishTimeout();

    /**
     * Names this instance; the outbox relay's transactional id is {@code conveyor-ingest-<instance-id>}.
     * Must be stable across restarts of the same instance and unique among running instances
     * (in Kubernetes: the pod name of a StatefulSet).
     */
    String instanceId();

    /** Consumer group of the channel that stores rows produced straight onto {@code conveyor.source-rows}. */
    @WithDefault("conveyor-ingest")
    String consumerGroup();

    /** Consumer group of the channel that reads the JSON intake topic. */
    @WithDefault("conveyor-ingest-intake")
    String intakeConsumerGroup();

    /** Records per poll of ingest's consumers (the intake topic, conveyor.source-rows): one database transaction each. */
    @WithDefault("10000")
    int consumerMaxPollRecords();

    /**
     * Where ingest's consumers start when their group has no committed offset ({@code earliest}:
     * rows produced before the first start are stored too; {@code latest}: only new ones).
     */
    @WithDefault("earliest")
    String consumerOffsetReset();

    /** The first wait before a batch that was not stored is read again; it doubles up to {@link #consumerMaxBackoff()}. */
    @WithDefault("1s")
    Duration consumerRetryBackoff();

    @WithDefault("30s")
    Duration consumerMaxBackoff();

    /** Outbox entries per Kafka transaction. */
    @WithDefault("10000")
    int relayBatchSize();

    /**
     * Relay workers per instance, each with its own transactional producer
     * ({@code conveyor-ingest-<instance-id>}, then {@code conveyor-ingest-<instance-id>#1}, ...):
     * while one waits for PostgreSQL, another sends or commits to Kafka.
     */
    @WithDefault("2")
    int relayWorkers();

    /**
     * Whether this instance runs the outbox relay. Off, rows are stored and wait in the outbox for
     * another instance (or this one restarted with it on): for maintenance of the Kafka side, and
     * for the test that kills ingest between the database commit and the relay.
     */
    @WithDefault("true")
    boolean relayEnabled();

    /** The relay producer's {@code max.request.size}: a row is checked against {@link #maxRowBytes()} before. */
    @WithDefault("1048576")
    int relayMaxRequestSize();

    /** How often the relay looks for entries when nothing woke it (entries left by other instances, retries). */
    @WithDefault("1s")
    Duration relayInterval();

    /**
     * Uploads that publish their rows while they stream in, side by side, each in one Kafka
     * transaction of its own producer ({@code conveyor-ingest-<instance-id>#u<n>}) committed right
     * after the database commit. 0: uploads are published by the relay once they have committed.
     * An upload that finds every publisher busy is published by the relay.
     */
    @WithDefault("2")
    int uploadPublishers();

    /**
     * The upload publishers' {@code transaction.timeout.ms}: an upload streaming in for longer is
     * aborted on the Kafka side by the broker and published by the relay after its commit. The
     * relay takes over an upload's chunks when their claim is older than this plus a minute (the
     * instance died between the database and the Kafka commit).
     */
    @WithDefault("5m")
    Duration uploadPublishTimeout();
}
