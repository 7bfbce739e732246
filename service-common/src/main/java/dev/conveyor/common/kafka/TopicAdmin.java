package dev.conveyor.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.schemas.kafka.TopicSpec;

/** Creates the topics a service needs, or verifies them, and fails fast when the broker is unreachable. */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /**
     * Makes sure every topic exists with its partition count.
     *
     * @throws IllegalStateException naming the bootstrap servers when the broker does not answer
     *         within {@code timeout}, or when an existing topic has the wrong size
     */
    public static void ensure(String bootstrapServers, short replicationFactor, Duration timeout,
            Collection<TopicSpec<?, ?>> topics) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putAll(KafkaClientSecurity.fromConfig());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        try (Admin admin = Admin.create(props)) {
            waitForBroker(admin, bootstrapServers, timeout);
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec<?, ?> spec : topics) {
                if (!existing.contains(spec.name())) {
                    missing.add(newTopic(spec, replicationFactor));
                }
            }
            create(admin, missing, timeout);
            verifySizesOnceKnown(admin, topics, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing Kafka topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers + " failed while preparing topics: "
                    + rootMessage(e), e);
        }
    }

    private static void waitForBroker(Admin admin, String bootstrapServers, Duration timeout)
            throws InterruptedException {
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka broker unreachable at " + bootstrapServers + " (waited "
                    + timeout.toSeconds() + " s): " + rootMessage(e)
                    + ". Check kafka.bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS.", e);
        }
    }

    private static NewTopic newTopic(TopicSpec<?, ?> spec, short replicationFactor) {
        return new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(spec.configs());
    }

    private static void create(Admin admin, List<NewTopic> missing, Duration timeout)
            throws InterruptedException, TimeoutException, ExecutionException {
        if (missing.isEmpty()) {
            return;
        }
        try {
            admin.createTopics(missing).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            // Another service may have created them a moment ago; the size check below decides.
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Topics just created (by this service or by another starting at the same moment) can be
     * unknown to the broker's metadata for a short while; describing them is retried until the
     * timeout.
     */
    private static void verifySizesOnceKnown(Admin admin, Collection<TopicSpec<?, ?>> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                verifySizes(admin, topics, timeout);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100); // metadata propagation; bounded by the deadline
            }
        }
    }

    private static void verifySizes(Admin admin, Collection<TopicSpec<?, ?>> topics, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = topics.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String wrong = topics.stream()
                .filter(spec -> described.get(spec.name()).partitions().size() != spec.partitions())
                .map(spec -> spec.name() + " has " + described.get(spec.name()).partitions().size()
                        + " partitions, expected " + spec.partitions())
                .collect(Collectors.joining("; "));
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("Kafka topics are not sized as the platform needs: " + wrong);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
