package dev.conveyor.review.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.conveyor.review.TaskEvents;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 11's review materialization rate, measured (never asserted as a speed): N tasks of one
 * run are put on {@code conveyor.llm-tasks} and materialized as Pending rows; then their N
 * results go onto {@code conveyor.llm-results} and the clock runs from the first result sent
 * until all N rows are Completed in PostgreSQL. A warm-up run goes first.
 * Run: {@code ./mvnw -B -pl review-service -Pbenchmark verify -Dit.test=ResultMaterializationBenchmark
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dbench.results=100000}
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(PostgresTestResource.class)
class ResultMaterializationBenchmark {

    private static final int RESULTS = Integer.getInteger("bench.results", 100_000);
    private static final Duration DEADLINE = Duration.ofMinutes(20);

    @Inject
    DataSource database;

    @Test
    void materializeResults() throws Exception {
        measure(Math.min(5_000, RESULTS)); // warm-up: JIT, connections, partitions assigned
        String line = measure(RESULTS);
        System.out.println("\n| results | Pending rows in | results/s (tasks) | Completed in | results/s (results) |");
        System.out.println(line);
    }

    private String measure(int n) throws Exception {
        String workflowId = UUID.randomUUID().toString();
        String runId = UUID.randomUUID().toString();
        Instant issuedAt = TaskEvents.nowMillis();
        List<TaskEvents> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(new TaskEvents(workflowId, runId, UUID.randomUUID().toString(), "sentiment", 0, issuedAt));
        }
        long t0 = System.nanoTime();
        try (KafkaProducer<String, TaskIssued> producer = producer(Topics.LLM_TASKS.valueSerde().serializer())) {
            for (TaskEvents task : tasks) {
                producer.send(new ProducerRecord<>(Topics.LLM_TASKS.name(), task.taskId(), task.issued()));
            }
        }
        awaitRows(runId, "Pending", n);
        double pendingSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        Instant finishedAt = issuedAt.plusMillis(250);
        try (KafkaProducer<String, TaskFinished> producer = producer(Topics.LLM_RESULTS.valueSerde().serializer())) {
            for (TaskEvents task : tasks) {
                producer.send(new ProducerRecord<>(Topics.LLM_RESULTS.name(), task.taskId(),
                        task.completed("Positive", finishedAt)));
            }
        }
        awaitRows(runId, "Completed", n);
        double completedSeconds = (System.nanoTime() - t1) / 1e9;
        assertThat(count(runId, null)).as("one row per task").isEqualTo(n);
        String line = String.format(Locale.ROOT, "| %,d | %.1f s | %,.0f | %.1f s | %,.0f |", n, pendingSeconds,
                n / pendingSeconds, completedSeconds, n / completedSeconds);
        System.out.println(line);
        return line;
    }

    private void awaitRows(String runId, String status, int n) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (count(runId, status) < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(n + " " + status + " rows of run " + runId + " not there within "
                        + DEADLINE);
            }
            Thread.sleep(100); // polling the table with a deadline
        }
    }

    private long count(String runId, String status) throws SQLException {
        String sql = "select count(*) from results where run_id = ?::uuid" + (status == null ? "" : " and status = ?");
        try (Connection connection = database.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, runId);
            if (status != null) {
                statement.setString(2, status);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static <V> KafkaProducer<String, V> producer(org.apache.kafka.common.serialization.Serializer<V> values) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestResource.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), values);
    }
}
