package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.e2e.tracing.FakeOtlpCollector;
import dev.conveyor.e2e.tracing.TracePropagation;
import dev.conveyor.local.ConveyorClient;
import dev.conveyor.local.Database;
import dev.conveyor.local.LlmEndpoint;
import dev.conveyor.local.LocalStack;
import dev.conveyor.local.SeedData;
import dev.conveyor.testing.FakeOpenAiServer;
import dev.conveyor.testing.SeedAnswers;

/**
 * Seed 000's walkthrough with the four packaged services, each in its own JVM, against one
 * embedded Kafka broker and one PostgreSQL. Only the model is a stand-in.
 */
class SeedWalkthroughIT {

    private static FakeOpenAiServer model;
    private static FakeOtlpCollector collector;
    private static LocalStack stack;

    @BeforeAll
    static void startPlatform() {
        model = FakeOpenAiServer.start(SeedAnswers::reply);
        // the services export their spans to a stand-in collector (TracePropagation)
        collector = FakeOtlpCollector.start();
        Path root = Path.of(System.getProperty("conveyor.repo.root", "..")).toAbsolutePath().normalize();
        stack = LocalStack.start(root, java.util.Optional.of(new LlmEndpoint(model.baseUrl(), "test-key", "fake-model")),
                Database.embedded(), root.resolve("e2e-tests/target/stack"), System.out::println,
                TracePropagation.tracingTo(collector));
    }

    @AfterAll
    static void stopPlatform() {
        if (stack != null) {
            stack.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (model != null) {
            model.close();
        }
    }

    /** Issue 10: one trace from ingest's request through the orchestrator and the worker to review-service. */
    @Test
    void shouldFollowEachRowFromTheIngestRequestToReviewServiceInOneTrace() throws Exception {
        new TracePropagation(stack, collector).shouldFollowEachRowFromTheIngestRequestToReviewServiceInOneTrace();
    }

    @Test
    void shouldRunSentimentOnEveryRowBeforeSummarizationAndStoreSixResults() {
        ConveyorClient client = stack.client();
        List<String> refs = client.ingest(SeedData.SOURCE, SeedData.ROWS);
        assertThat(refs).hasSize(3).doesNotHaveDuplicates();

        JsonNode workflow = client.createWorkflow(SeedData.WORKFLOW_NAME, SeedData.SOURCE, SeedData.PROCESSES,
                SeedData.MODEL);
        String workflowId = workflow.path("workflow_id").asText();
        assertThat(workflow.path("processes").fieldNames()).toIterable()
                .containsExactly("sentiment", "summarization");
        String runId = client.startRun(workflowId).path("run_id").asText();

        List<JsonNode> results = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.results(workflowId, runId),
                        r -> r.size() == 6 && r.stream().noneMatch(x -> "Pending".equals(x.path("status").asText())));

        assertThat(results).allSatisfy(r -> {
            assertThat(r.path("status").asText()).isEqualTo("Completed");
            assertThat(r.path("workflow_id").asText()).isEqualTo(workflowId);
            assertThat(r.path("run_id").asText()).isEqualTo(runId);
            assertThat(refs).contains(r.path("reference_id").asText());
        });
        assertThat(results).extracting(r -> r.path("result_id").asText()).doesNotHaveDuplicates();

        Map<String, String> sentiment = byReference(results, "sentiment", r -> r.path("result").asText());
        assertThat(sentiment).containsExactlyInAnyOrderEntriesOf(Map.of(
                refs.get(0), "Positive", refs.get(1), "Negative", refs.get(2), "Positive"));
        Map<String, String> summaries = byReference(results, "summarization", r -> r.path("result").asText());
        assertThat(summaries).containsExactlyInAnyOrderEntriesOf(Map.of(
                refs.get(0), "The plot was great.", refs.get(1), "It dragged a lot.", refs.get(2), "Best part ever."));

        // The stage gate, from the recorded timestamps: the last sentiment result was completed
        // before the first summarization task was issued.
        Instant lastSentimentDone = results.stream().filter(r -> "sentiment".equals(r.path("process_name").asText()))
                .map(r -> Instant.parse(r.path("completed_at").asText())).max(Instant::compareTo).orElseThrow();
        Instant firstSummaryIssued = results.stream()
                .filter(r -> "summarization".equals(r.path("process_name").asText()))
                .map(r -> Instant.parse(r.path("issued_at").asText())).min(Instant::compareTo).orElseThrow();
        assertThat(lastSentimentDone).isBeforeOrEqualTo(firstSummaryIssued);

        // The orchestrator counts the last result on its own, a moment after review-service stores it.
        JsonNode run = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions() // 404 until the run's coordinator has stored the command
                .until(() -> client.run(workflowId, runId), r -> !"RUNNING".equals(r.path("status").asText()));
        assertThat(run.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(run.path("total_completed").asLong()).isEqualTo(6);
    }

    @Test
    void shouldRejectAWorkflowOverAColumnTheRowsDoNotHave() {
        ConveyorClient client = stack.client();
        client.ingest("reviews", List.of(Map.of("text", "fine")));

        ConveyorClient.ApiException rejected = org.junit.jupiter.api.Assertions.assertThrows(
                ConveyorClient.ApiException.class,
                () -> client.createWorkflow("W", "reviews", Map.of("sentiment", "data_column_1"), "gpt-4"));

        assertThat(rejected.status()).isEqualTo(400);
        assertThat(rejected.body()).contains("processes.sentiment").contains("data_column_1");
    }

    /**
     * Issue 11: every call is reserved against the run's budget before it goes out (in the
     * worker's database, shared by its instances), so the calls beyond the budget are never made:
     * at most the budget's worth plus one reservation per worker instance reach the model.
     */
    @Test
    void shouldStopCallingTheModelOnceARunsTokenBudgetIsSpent() {
        ConveyorClient client = stack.client();
        String source = "budgeted";
        // Texts of their own, so that no answer can come from the worker's cache for free.
        List<Map<String, String>> rows = java.util.stream.IntStream.range(0, 8).mapToObj(i -> {
            Map<String, String> row = SeedData.ROWS.get(i % SeedData.ROWS.size());
            return Map.of("data_column_1", row.get("data_column_1") + " (budget run " + i + ")",
                    "data_column_2", row.get("data_column_2") + " (budget run " + i + ")");
        }).toList();
        List<String> refs = client.ingest(source, rows);
        String workflowId = client.createWorkflow("Budgeted", source, SeedData.PROCESSES, SeedData.MODEL)
                .path("workflow_id").asText();
        int callsBefore = budgetCalls();

        // The fake model charges 13 tokens a call: the budget is spent after the second call.
        String runId = client.startRun(workflowId, Map.of("max_tokens", 20)).path("run_id").asText();

        JsonNode run = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions() // 404 until the run's coordinator has stored the command
                .until(() -> client.run(workflowId, runId), r -> !r.path("completed_at").isMissingNode()
                        && !r.path("completed_at").isNull());
        assertThat(run.path("status").asText()).isEqualTo("BUDGET_EXHAUSTED");
        assertThat(run.path("spent_tokens").asLong()).isGreaterThanOrEqualTo(20);
        List<JsonNode> results = await().atMost(Duration.ofMinutes(1))
                .until(() -> client.results(workflowId, runId),
                        r -> r.size() == refs.size() && r.stream().noneMatch(x -> "Pending".equals(x.path("status").asText())));
        assertThat(results).as("the next process never starts").allMatch(r -> "sentiment".equals(r.path("process_name").asText()));
        assertThat(results).extracting(r -> r.path("status").asText()).allMatch(s -> s.equals("Completed") || s.equals("Skipped"));

        // The calls that were not made: 8 tasks went out at once, and the model saw at most the
        // budget's worth (20 / 13 -> 2 calls) plus one reservation for the one worker instance.
        int calls = budgetCalls() - callsBefore;
        int budgetsWorth = (20 + 12) / 13;
        int workerInstances = 1;
        assertThat(calls).as("model calls of the budgeted run").isBetween(budgetsWorth, budgetsWorth + workerInstances);
        JsonNode totals = client.runTotals(runId);
        assertThat(totals.path("tasks").asLong()).isEqualTo(8);
        assertThat(totals.path("completed").asLong()).isEqualTo(calls);
        assertThat(totals.path("skipped").asLong()).as("tasks refused before their call").isEqualTo(8 - calls);
        assertThat(totals.path("total_tokens").asLong()).isEqualTo(13L * calls)
                .isLessThan(20 + 13L * workerInstances);
    }

    /** Calls the fake model got for the budgeted run's rows. */
    private static int budgetCalls() {
        return (int) model.requests().stream().filter(r -> r.allText().contains("(budget run ")).count();
    }

    /**
     * Issue 9: the seed's rows produced onto the JSON intake topic the way kcat sends them
     * ({@code kcat -P -t conveyor.source-rows-json -k <source>}: string key, JSON text value), then
     * the same run as over REST.
     */
    @Test
    void shouldRunTheSeedOverRowsProducedAsPlainJsonOntoTheIntakeTopic() throws Exception {
        ConveyorClient client = stack.client();
        String source = "kcat-seed";
        java.util.Properties props = new java.util.Properties();
        props.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (Map<String, String> row : SeedData.ROWS) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                        dev.conveyor.schemas.kafka.Topics.SOURCE_ROWS_JSON.name(), source, json.writeValueAsString(row)))
                        .get();
            }
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.send("GET", stack.service(LocalStack.INGEST).url() + "/sources/" + source, null)
                        .path("row_count").asLong() == 3);
        JsonNode rows = client.send("GET", stack.service(LocalStack.INGEST).url() + "/sources/" + source + "/rows", null);
        Map<String, String> textToRef = new java.util.HashMap<>();
        rows.path("items").forEach(item -> {
            assertThat(item.path("origin").asText()).isEqualTo("kafka:conveyor.source-rows-json");
            textToRef.put(item.path("columns").path("data_column_1").asText(), item.path("reference_id").asText());
        });

        String workflowId = client.createWorkflow("From kcat", source, SeedData.PROCESSES, SeedData.MODEL)
                .path("workflow_id").asText();
        String runId = client.startRun(workflowId).path("run_id").asText();
        List<JsonNode> results = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.results(workflowId, runId),
                        r -> r.size() == 6 && r.stream().noneMatch(x -> "Pending".equals(x.path("status").asText())));

        assertThat(results).allSatisfy(r -> assertThat(r.path("status").asText()).isEqualTo("Completed"));
        assertThat(byReference(results, "sentiment", r -> r.path("result").asText()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        textToRef.get("I love this movie."), "Positive",
                        textToRef.get("This is boring."), "Negative",
                        textToRef.get("Amazing performance!"), "Positive"));
        assertThat(byReference(results, "summarization", r -> r.path("result").asText()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        textToRef.get("I love this movie."), "The plot was great.",
                        textToRef.get("This is boring."), "It dragged a lot.",
                        textToRef.get("Amazing performance!"), "Best part ever."));
    }

    private static Map<String, String> byReference(List<JsonNode> results, String process,
            Function<JsonNode, String> value) {
        return results.stream().filter(r -> process.equals(r.path("process_name").asText()))
                .collect(Collectors.toMap(r -> r.path("reference_id").asText(), value));
    }
}
