package dev.conveyor.worker.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.kafka.Topics;

/** Publishes results to {@code conveyor.llm-results} with acks from all in-sync replicas. */
public final class KafkaResultPublisher implements ResultPublisher {

    private final KafkaProducer<String, TaskFinished> producer;
    private final Duration timeout;

    public KafkaResultPublisher(String bootstrapServers, String clientId, Duration timeout) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Broker-side retries of a send never duplicate a result.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A send gives up about when the batch stops waiting for it (the client needs
        // delivery >= linger + request timeout).
        int linger = 5;
        int request = (int) Math.max(1_000, Math.min(30_000, timeout.toMillis() - linger));
        props.put(ProducerConfig.LINGER_MS_CONFIG, linger);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(timeout.toMillis(), request + linger));
        this.producer = new KafkaProducer<>(props, Topics.LLM_RESULTS.keySerde().serializer(),
                Topics.LLM_RESULTS.valueSerde().serializer());
        this.timeout = timeout;
    }

    @Override
    public void publishAll(List<TaskFinished> results) throws Exception {
        List<Future<RecordMetadata>> sends = new ArrayList<>(results.size());
        for (TaskFinished result : results) {
            sends.add(producer.send(new ProducerRecord<>(Topics.LLM_RESULTS.name(), result.getTaskId(), result)));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<RecordMetadata> send : sends) {
            send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
