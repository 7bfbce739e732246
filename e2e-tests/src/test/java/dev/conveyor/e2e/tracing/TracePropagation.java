package dev.conveyor.e2e.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.e2e.tracing.FakeOtlpCollector.ExportedSpan;
import dev.conveyor.local.ConveyorClient;
import dev.conveyor.local.LocalStack;
import dev.conveyor.local.SeedData;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.kafka.TopicSpec;
import dev.conveyor.schemas.kafka.Topics;

/**
 * One row's trace across the Kafka hops, with the four packaged services exporting their spans
 * over OTLP to a stand-in collector: the rows are sent with a {@code traceparent} header, and the
 * trace goes on through ingest's outbox relay ({@code conveyor.source-rows}), the orchestrator's
 * tasks (both processes, the second issued long after the row came in), the worker's results and
 * review-service. Each hop's record header names a span of the service that wrote it, and the
 * next service's span is that span's child. Runs on the seed walkthrough's stack
 * ({@code SeedWalkthroughIT}), started with {@link #tracingTo(FakeOtlpCollector)}, so that CI
 * starts the four services once.
 */
public final class TracePropagation {

    private final LocalStack stack;
    private final FakeOtlpCollector collector;

    public TracePropagation(LocalStack stack, FakeOtlpCollector collector) {
        this.stack = stack;
        this.collector = collector;
    }

    /** What every service needs to export its spans to the collector, at once. */
    public static Map<String, String> tracingTo(FakeOtlpCollector collector) {
        return Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.traces.endpoint", collector.endpoint(),
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "100ms");
    }

    public void shouldFollowEachRowFromTheIngestRequestToReviewServiceInOneTrace() throws Exception {
        HexFormat hex = HexFormat.of();
        byte[] random = new byte[24];
        ThreadLocalRandom.current().nextBytes(random);
        String traceId = hex.formatHex(random, 0, 16);
        String clientSpanId = hex.formatHex(random, 16, 24);
        String source = "traced";
        List<String> refs = ingest(source, "00-" + traceId + "-" + clientSpanId + "-01");

        ConveyorClient client = stack.client();
        String workflowId = client.createWorkflow("Traced", source, SeedData.PROCESSES, SeedData.MODEL)
                .path("workflow_id").asText();
        String runId = client.startRun(workflowId).path("run_id").asText();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.results(workflowId, runId),
                        r -> r.size() == 6 && r.stream().allMatch(x -> "Completed".equals(x.path("status").asText())));

        List<Hop> rows = read(Topics.SOURCE_ROWS, v -> ((RowIngested) v).getReferenceId(), refs, 3);
        List<Hop> tasks = read(Topics.LLM_TASKS, v -> ((TaskIssued) v).getReferenceId(), refs, 6);
        List<Hop> results = read(Topics.LLM_RESULTS, v -> ((TaskFinished) v).getReferenceId(), refs, 6);
        assertThat(rows).hasSize(3);
        assertThat(tasks).extracting(h -> ((TaskIssued) h.value()).getProcessName())
                .containsOnly("sentiment", "summarization").hasSizeGreaterThanOrEqualTo(6);
        assertThat(results).hasSizeGreaterThanOrEqualTo(6);
        List<Hop> all = new ArrayList<>(rows);
        all.addAll(tasks);
        all.addAll(results);
        assertThat(all).as("every record of the run's rows carries the request's trace")
                .allSatisfy(hop -> assertThat(hop.traceId()).isEqualTo(traceId));

        // Spans reach the collector in batches, a moment after the records.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Map<String, ExportedSpan> spans = collector.spans().stream().filter(s -> s.traceId().equals(traceId))
                    .collect(Collectors.toMap(ExportedSpan::spanId, s -> s, (a, b) -> a));
            assertThat(spans.values()).as("ingest's request span continues the client's (%s)", collector.describe())
                    .anySatisfy(s -> {
                        assertThat(s.service()).isEqualTo(LocalStack.INGEST);
                        assertThat(s.parentSpanId()).isEqualTo(clientSpanId);
                    });
            for (Hop row : rows) {
                assertThat(spans.get(row.spanId())).as("source-rows record written under an ingest span")
                        .isNotNull().extracting(ExportedSpan::service).isEqualTo(LocalStack.INGEST);
            }
            for (Hop task : tasks) {
                ExportedSpan issued = spans.get(task.spanId());
                assertThat(issued).as("task %s written under an orchestrator span", task.key()).isNotNull();
                assertThat(issued.service()).isEqualTo(LocalStack.ORCHESTRATOR);
                String rowSpan = rows.stream().filter(r -> r.reference().equals(task.reference())).findFirst()
                        .orElseThrow().spanId();
                assertThat(issued.parentSpanId()).as("child of the row's record").isEqualTo(rowSpan);
                assertThat(childrenOf(spans, task.spanId())).as("the worker took task %s", task.key())
                        .contains(LocalStack.WORKER);
            }
            for (Hop result : results) {
                ExportedSpan written = spans.get(result.spanId());
                assertThat(written).as("result %s written under a worker span", result.key()).isNotNull();
                assertThat(written.service()).isEqualTo(LocalStack.WORKER);
                assertThat(childrenOf(spans, result.spanId())).as("review-service stored result %s", result.key())
                        .contains(LocalStack.REVIEW);
            }
        });
    }

    private static Set<String> childrenOf(Map<String, ExportedSpan> spans, String spanId) {
        return spans.values().stream().filter(s -> s.parentSpanId().equals(spanId)).map(ExportedSpan::service)
                .collect(Collectors.toSet());
    }

    private List<String> ingest(String source, String traceparent) throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpRequest request = HttpRequest.newBuilder(
                URI.create(stack.service(LocalStack.INGEST).url() + "/sources/" + source + "/rows"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("traceparent", traceparent)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(SeedData.ROWS))).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        JsonNode answer = json.readTree(response.body());
        List<String> refs = new ArrayList<>();
        answer.path("reference_ids").forEach(r -> refs.add(r.asText()));
        assertThat(refs).as(response.body()).hasSize(3);
        return refs;
    }

    /** A record of one of the rows, with its {@code traceparent} header. */
    private record Hop(String key, String reference, SpecificRecordBase value, String traceparent) {
        String traceId() {
            return traceparent == null ? null : traceparent.split("-")[1];
        }

        String spanId() {
            return traceparent == null ? null : traceparent.split("-")[2];
        }
    }

    /** Reads a topic from the start until {@code expected} records of the rows are in (committed ones only). */
    private List<Hop> read(TopicSpec<String, ?> topic, java.util.function.Function<Object, String> reference,
            List<String> refs, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Hop> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Object value = topic.valueSerde().deserializer().deserialize(topic.name(), record.value());
                    String ref = value == null ? null : reference.apply(value);
                    if (ref != null && refs.contains(ref)) {
                        Header header = record.headers().lastHeader("traceparent");
                        found.add(new Hop(new String(record.key(), StandardCharsets.UTF_8), ref,
                                (SpecificRecordBase) value,
                                header == null ? null : new String(header.value(), StandardCharsets.UTF_8)));
                    }
                }
                return found.size() >= expected;
            });
        }
        return found;
    }
}
