package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.local.ConveyorClient;
import dev.conveyor.local.Database;
import dev.conveyor.local.LlmEndpoint;
import dev.conveyor.local.LocalStack;
import dev.conveyor.local.SeedData;
import dev.conveyor.local.ServiceProcess;
import dev.conveyor.testing.FakeOpenAiServer;
import dev.conveyor.testing.SeedAnswers;

/**
 * Two instances of every packaged service (ingest, orchestrator, worker, review), each its own
 * JVM, on one broker and one PostgreSQL server (each service's own database, shared by its two
 * instances). A two-process run over a few thousand rows: every instance of every service must
 * do some of the work, each (row, process) must end with exactly one Completed result, and when
 * one orchestrator instance is killed (kill -9) mid-stage the other takes its partitions over and
 * the run completes.
 *
 * <p>Who did what is read from each instance itself: ingest's accepted uploads and its outbox
 * relay's transactional id; Kafka client metrics on {@code /q/metrics} (tasks each orchestrator
 * instance produced, results each review instance consumed); the worker's result counter.
 */
class ScaleOutIT {

    private static final int ROWS = 2000;
    private static final int TASKS = ROWS * SeedData.PROCESSES.size();
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(3);
    /** conveyor.worker.concurrency: calls a worker can have on the wire when a task comes back to it. */
    private static final int IN_FLIGHT_WINDOW = 64;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static FakeOpenAiServer model;
    private static LocalStack stack;
    private static final Map<String, List<ServiceProcess>> INSTANCES = new LinkedHashMap<>();

    @BeforeAll
    static void startTwoOfEach() {
        // a few ms per call keeps the run going long enough to kill an orchestrator mid-stage
        model = FakeOpenAiServer.start(request -> SeedAnswers.reply(request).delayedBy(5));
        Path root = Path.of(System.getProperty("conveyor.repo.root", "..")).toAbsolutePath().normalize();
        stack = LocalStack.start(root, Optional.of(new LlmEndpoint(model.baseUrl(), "test-key", "fake-model")),
                Database.embedded(), root.resolve("e2e-tests/target/stack-scale-out"), System.out::println);
        List<String> modules = List.of(LocalStack.INGEST, LocalStack.ORCHESTRATOR, LocalStack.WORKER,
                LocalStack.REVIEW);
        List<ServiceProcess> second = stack.startInstances(modules, "b");
        for (int i = 0; i < modules.size(); i++) {
            INSTANCES.put(modules.get(i), List.of(stack.service(modules.get(i)), second.get(i)));
        }
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void shouldShareARunOverTwoInstancesOfEachServiceAndSurviveLosingAnOrchestrator() throws Exception {
        String source = "scale-out";
        ConveyorClient a = client(0);
        ConveyorClient b = client(1);

        // ingest: half the rows through each instance
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(Map.of("data_column_1", "I love scale-out row " + i + ".",
                    "data_column_2", "The scale-out plot " + i + " was great."));
        }
        List<String> refs = new ArrayList<>(a.ingest(source, rows.subList(0, ROWS / 2)));
        refs.addAll(b.ingest(source, rows.subList(ROWS / 2, ROWS)));
        assertThat(refs).hasSize(ROWS).doesNotHaveDuplicates();
        // The relay publishes after the upload's commit, so its transaction shows up a moment later.
        await("each ingest instance relays under its own transactional id").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(ingestTransactionalIds()).contains("conveyor-ingest-b")
                        .hasSizeGreaterThanOrEqualTo(2));

        String workflowId = a.createWorkflow("Scale-out", source, SeedData.PROCESSES, SeedData.MODEL)
                .path("workflow_id").asText();
        String runId = a.startRun(workflowId).path("run_id").asText();

        // mid-stage: some results in, far from all; both orchestrators have issued tasks
        await("the run under way on both orchestrator instances").atMost(RUN_DEADLINE)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> completed(a.run(workflowId, runId)) >= ROWS / 10);
        List<ServiceProcess> orchestrators = INSTANCES.get(LocalStack.ORCHESTRATOR);
        // Each orchestrator instance is one member of the Streams group: both process results
        // (the partitions of the results-by-reference topic they own) while the run goes.
        ConsumerGroupDescription both = group("conveyor-orchestrator");
        assertThat(both.members()).as("both orchestrator instances in the group").hasSize(2)
                .allSatisfy(m -> assertThat(resultPartitions(m)).as("result partitions of %s", m.clientId())
                        .isNotEmpty());
        JsonNode beforeKill = a.run(workflowId, runId);
        assertThat(completed(beforeKill)).as("killed mid-run, not after it").isLessThan(TASKS);

        orchestrators.get(1).kill();

        // the survivor takes the dead instance's partitions over and the run completes
        JsonNode done = await("the run completed on the surviving orchestrator").atMost(RUN_DEADLINE)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> a.run(workflowId, runId), run -> "COMPLETED".equals(run.path("status").asText()));
        assertThat(done.path("member_count").asLong()).isEqualTo(ROWS);
        assertThat(done.path("total_completed").asLong()).isEqualTo(TASKS);
        ConsumerGroupDescription one = group("conveyor-orchestrator");
        assertThat(one.members()).as("one orchestrator left in the group").singleElement()
                .satisfies(m -> assertThat(resultPartitions(m)).as("every result partition on the survivor")
                        .hasSize(both.members().stream().mapToInt(x -> resultPartitions(x).size()).sum()));

        // exactly one Completed result per (row, process), from either review instance
        List<JsonNode> results = await("every result materialized").atMost(RUN_DEADLINE)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> b.results(workflowId, runId), r -> r.size() >= TASKS
                        && r.stream().allMatch(x -> "Completed".equals(x.path("status").asText())));
        assertThat(results).extracting(r -> r.path("reference_id").asText() + "/" + r.path("process_name").asText())
                .hasSize(TASKS).doesNotHaveDuplicates();
        assertThat(results.stream().map(r -> r.path("reference_id").asText()).collect(Collectors.toSet()))
                .as("every row ingested, through either instance").isEqualTo(Set.copyOf(refs));
        assertThat(a.results(workflowId, runId)).as("the other review instance serves the same table")
                .hasSize(TASKS);

        // every worker and every review instance did some of it
        List<ServiceProcess> workers = INSTANCES.get(LocalStack.WORKER);
        double workerResults = 0;
        for (int i = 0; i < 2; i++) {
            double n = metric(workers.get(i), "conveyor_worker_results_total", "outcome=\"completed\"");
            assertThat(n).as("results of worker instance %d", i).isPositive();
            workerResults += n;
        }
        assertThat(workerResults).as("results over both workers").isGreaterThanOrEqualTo(TASKS);
        List<ServiceProcess> reviews = INSTANCES.get(LocalStack.REVIEW);
        for (int i = 0; i < 2; i++) {
            ServiceProcess review = reviews.get(i);
            // Kafka's client metrics reach /q/metrics within Micrometer's refresh (a minute)
            await("results consumed by review instance " + i).atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                    .until(() -> metric(review, "kafka_consumer_fetch_manager_records_consumed_total",
                            "client_id=\"kafka-consumer-task-events\"", "topic=\"conveyor.llm-results\""),
                            n -> n > 0);
        }
        assertThat(group("conveyor-review").members()).hasSize(2).allSatisfy(m ->
                assertThat(m.assignment().topicPartitions()).isNotEmpty());

        // nothing paid for twice beyond what a worker can have on the wire when its task comes back
        long calls = model.requests().stream().filter(r -> r.allText().contains("scale-out")).count();
        assertThat(calls - TASKS).as("model calls made twice").isBetween(0L, (long) IN_FLIGHT_WINDOW);
    }

    private static ConveyorClient client(int instance) {
        return new ConveyorClient(INSTANCES.get(LocalStack.INGEST).get(instance).url(),
                INSTANCES.get(LocalStack.ORCHESTRATOR).get(instance).url(),
                INSTANCES.get(LocalStack.REVIEW).get(instance).url());
    }

    private static long completed(JsonNode run) {
        long n = 0;
        for (JsonNode process : run.path("processes")) {
            n += process.path("completed").asLong();
        }
        return n;
    }

    /** The sum of a Prometheus metric's series on an instance's /q/metrics whose labels contain every filter. */
    private static double metric(ServiceProcess instance, String name, String... labels) throws IOException,
            InterruptedException {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(instance.url() + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        boolean seen = false;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= line.contains(label);
            }
            if (matches) {
                seen = true;
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        if (!seen) {
            String names = text.lines().filter(l -> !l.startsWith("#")).map(l -> l.split("[{ ]")[0]).distinct()
                    .filter(n -> n.startsWith("kafka") || n.startsWith("conveyor")).sorted()
                    .collect(Collectors.joining(", "));
            String series = text.lines().filter(l -> l.startsWith(name)).limit(20)
                    .collect(Collectors.joining("\n"));
            throw new AssertionError("no series " + name + " " + List.of(labels) + " on " + instance.name()
                    + "; of that name: " + series + "\nmetrics: " + names);
        }
        return sum;
    }

    /** Partitions of the orchestrator's results-by-reference topic a group member owns. */
    private static List<Integer> resultPartitions(org.apache.kafka.clients.admin.MemberDescription member) {
        return member.assignment().topicPartitions().stream()
                .filter(tp -> tp.topic().endsWith("results-by-reference-repartition"))
                .map(org.apache.kafka.common.TopicPartition::partition).toList();
    }

    private static Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        return Admin.create(props);
    }

    private static Set<String> ingestTransactionalIds() throws Exception {
        try (Admin admin = admin()) {
            return admin.listTransactions().all().get().stream().map(TransactionListing::transactionalId)
                    .filter(id -> id.startsWith("conveyor-ingest-")).collect(Collectors.toSet());
        }
    }

    private static ConsumerGroupDescription group(String groupId) throws Exception {
        try (Admin admin = admin()) {
            return admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId);
        }
    }
}
