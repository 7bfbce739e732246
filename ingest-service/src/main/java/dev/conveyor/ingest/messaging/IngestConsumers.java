package dev.conveyor.ingest.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.schemas.kafka.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Ingest's two consumers: the JSON intake topic ({@code conveyor.source-rows-json}, group
 * {@code conveyor.ingest.intake-consumer-group}) and Avro rows produced straight onto
 * {@code conveyor.source-rows} (group {@code conveyor.ingest.consumer-group}). Both read committed
 * records only and commit offsets after the batch is stored. Their client metrics (lag included)
 * are on /q/metrics as {@code kafka_consumer_*}, their state on /q/health/ready.
 */
@ApplicationScoped
public class IngestConsumers {

    /** Large fetches: a poll of 10,000 JSON rows is one COPY. */
    private static final int INTAKE_MAX_PARTITION_FETCH_BYTES = 4 * 1024 * 1024;

    private final Map<String, Object> kafka;
    private final IngestConfig config;
    private final JsonIntakeConsumer intake;
    private final SourceRowsConsumer sourceRows;
    private final MeterRegistry meters;
    private final List<BatchConsumerLoop<?>> loops = new ArrayList<>();
    private final List<KafkaClientMetrics> metrics = new ArrayList<>();

    public IngestConsumers(@Identifier("default-kafka-broker") Map<String, Object> kafka, IngestConfig config,
            JsonIntakeConsumer intake, SourceRowsConsumer sourceRows, MeterRegistry meters) {
        this.kafka = kafka;
        this.config = config;
        this.intake = intake;
        this.sourceRows = sourceRows;
        this.meters = meters;
    }

    /** After {@link TopicSetup} has made the topics. */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION) StartupEvent event) {
        loops.add(start("ingest-intake", Topics.SOURCE_ROWS_JSON.name(), config.intakeConsumerGroup(), intake,
                INTAKE_MAX_PARTITION_FETCH_BYTES));
        loops.add(start("ingest-source-rows", Topics.SOURCE_ROWS.name(), config.consumerGroup(), sourceRows,
                ConsumerConfig.DEFAULT_MAX_PARTITION_FETCH_BYTES));
    }

    void onStop(@Observes ShutdownEvent event) {
        loops.forEach(BatchConsumerLoop::close);
        metrics.forEach(KafkaClientMetrics::close);
    }

    public List<BatchConsumerLoop.State> states() {
        return loops.stream().map(BatchConsumerLoop::state).toList();
    }

    private <P> BatchConsumerLoop<P> start(String name, String topic, String group,
            BatchConsumerLoop.BatchHandler<P> handler, int maxPartitionFetchBytes) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(group, name, maxPartitionFetchBytes),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaClientMetrics clientMetrics = new KafkaClientMetrics(consumer);
        clientMetrics.bindTo(meters);
        metrics.add(clientMetrics);
        return new BatchConsumerLoop<>(name, topic, consumer, handler, Duration.ofSeconds(1),
                config.consumerRetryBackoff(), config.consumerMaxBackoff()).start();
    }

    Map<String, Object> consumerConfig(String group, String name, int maxPartitionFetchBytes) {
        Map<String, Object> props = new HashMap<>(kafka);
        // The shared kafka.* settings (brokers, security) without what only producers take.
        props.keySet().removeIf(key -> key.endsWith("serializer") && !key.endsWith("deserializer")
                || key.startsWith("acks") || key.startsWith("transactional.") || key.startsWith("enable.idempotence"));
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, name + "-" + config.instanceId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.consumerOffsetReset());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.consumerMaxPollRecords());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, maxPartitionFetchBytes);
        return props;
    }
}
