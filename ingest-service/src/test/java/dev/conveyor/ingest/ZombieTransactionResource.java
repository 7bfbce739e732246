package dev.conveyor.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.conveyor.common.kafka.TopicAdmin;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Before the service starts, plays its predecessor that crashed mid-transaction: a producer with
 * the instance's transactional id sends a row to every partition of {@code conveyor.source-rows}
 * and dies without committing or aborting (transaction timeout: 10 minutes). Until someone fences
 * that id, read_committed consumers of every partition are stuck behind the open transaction.
 * Also lets the relay's producer send records larger than the broker takes, so that Kafka itself
 * refuses them when the transaction commits.
 */
public class ZombieTransactionResource implements QuarkusTestResourceLifecycleManager {

    public static final String INSTANCE_ID = "zombie-test-" + UUID.randomUUID();
    public static final String ZOMBIE_SOURCE = "zombie-" + UUID.randomUUID();

    @Override
    public Map<String, String> start() {
        String servers = KafkaTestResource.bootstrapServers();
        TopicAdmin.ensure(servers, (short) 1, Duration.ofSeconds(30),
                List.of(Topics.SOURCE_ROWS, Topics.SOURCE_ROWS_JSON, Topics.DEAD_LETTER));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "conveyor-ingest-" + INSTANCE_ID);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000);
        KafkaProducer<String, RowIngested> zombie = new KafkaProducer<>(props,
                Topics.SOURCE_ROWS.keySerde().serializer(), Topics.SOURCE_ROWS.valueSerde().serializer());
        zombie.initTransactions();
        zombie.beginTransaction();
        for (int partition = 0; partition < Topics.SOURCE_ROWS.partitions(); partition++) {
            String id = UUID.randomUUID().toString();
            zombie.send(new ProducerRecord<>(Topics.SOURCE_ROWS.name(), partition, id, RowIngested.newBuilder()
                    .setReferenceId(id).setSourceConnection(ZOMBIE_SOURCE)
                    .setColumns(Map.of("a", "never committed")).setIngestedAt(Instant.now()).build()));
        }
        zombie.flush();
        // A crash: no commit, no abort (a forced close does not end the transaction on the broker).
        zombie.close(Duration.ZERO);
        return Map.of(
                "conveyor.ingest.instance-id", INSTANCE_ID,
                "conveyor.ingest.relay-max-request-size", "5242880");
    }

    @Override
    public void stop() {
    }
}
