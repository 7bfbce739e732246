package dev.conveyor.ingest.messaging;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.kafka.ConsumerLoop;
import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.common.kafka.KafkaSettings;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Prepares the topics, then starts the publisher and the consumer loop; stops them on shutdown. */
@ApplicationScoped
public class KafkaLifecycle {

    static final String SERVICE = "ingest-service";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaLifecycle.class);

    private final KafkaSettings kafka;
    private final IngestConfig ingest;
    private final RowPublisher publisher;
    private final SourceRowsConsumer handler;
    private volatile ConsumerLoop<RowIngested> loop;

    public KafkaLifecycle(KafkaSettings kafka, IngestConfig ingest, RowPublisher publisher, SourceRowsConsumer handler) {
        this.kafka = kafka;
        this.ingest = ingest;
        this.publisher = publisher;
        this.handler = handler;
    }

    void onStart(@Observes StartupEvent event) {
        List<TopicSpec<?, ?>> topics = List.of(Topics.SOURCE_ROWS, Topics.DEAD_LETTER);
        TopicAdmin.ensure(kafka.bootstrapServers(), kafka.replicationFactor(), kafka.startupTimeout(), topics);
        publisher.start();
        loop = ConsumerLoop.builder(SERVICE, RowIngested.class)
                .bootstrapServers(kafka.bootstrapServers())
                .groupId(ingest.consumerGroup())
                .topic(Topics.SOURCE_ROWS)
                .handler(handler)
                .build()
                .start();
        LOG.info("ingest-service consuming {} as group {}", Topics.SOURCE_ROWS.name(), ingest.consumerGroup());
    }

    /** True while the consumer loop polls (false before start and after it stopped). */
    public boolean isConsuming() {
        ConsumerLoop<RowIngested> current = loop;
        return current != null && current.isRunning();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.close();
        }
        publisher.close();
    }
}
