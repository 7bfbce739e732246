package dev.conveyor.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.local.ConveyorClient;
import dev.conveyor.local.Database;
import dev.conveyor.local.LocalStack;
import dev.conveyor.local.SeedData;

/**
 * The seed walkthrough with no model endpoint at all, as on a fresh machine without a key: the
 * worker answers with its in-process model, for real.
 */
class OfflineWalkthroughIT {

    private static LocalStack stack;

    @BeforeAll
    static void startPlatform() {
        Path root = Path.of(System.getProperty("conveyor.repo.root", "..")).toAbsolutePath().normalize();
        stack = LocalStack.start(root, Optional.empty(), Database.embedded(),
                root.resolve("e2e-tests/target/stack-offline"), System.out::println);
    }

    @AfterAll
    static void stopPlatform() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldRunTheSeedWithTheOfflineModel() {
        ConveyorClient client = stack.client();
        List<String> refs = client.ingest(SeedData.SOURCE, SeedData.ROWS);
        String workflowId = client.createWorkflow(SeedData.WORKFLOW_NAME, SeedData.SOURCE, SeedData.PROCESSES,
                SeedData.MODEL).path("workflow_id").asText();
        String runId = client.startRun(workflowId).path("run_id").asText();

        List<JsonNode> results = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> client.results(workflowId, runId),
                        r -> r.size() == 6 && r.stream().noneMatch(x -> "Pending".equals(x.path("status").asText())));

        assertThat(results).allSatisfy(r -> {
            assertThat(r.path("status").asText()).isEqualTo("Completed");
            assertThat(r.path("model").asText()).isEqualTo("offline/all-minilm-l6-v2");
            assertThat(r.path("cost_usd").asDouble()).isZero();
        });
        Map<String, String> sentiment = results.stream()
                .filter(r -> "sentiment".equals(r.path("process_name").asText()))
                .collect(Collectors.toMap(r -> r.path("reference_id").asText(), r -> r.path("result").asText()));
        assertThat(sentiment).containsExactlyInAnyOrderEntriesOf(Map.of(
                refs.get(0), "Positive", refs.get(1), "Negative", refs.get(2), "Positive"));
        Map<String, String> summaries = results.stream()
                .filter(r -> "summarization".equals(r.path("process_name").asText()))
                .collect(Collectors.toMap(r -> r.path("reference_id").asText(), r -> r.path("result").asText()));
        // One-sentence rows: the most central sentence is the row itself.
        assertThat(summaries).containsExactlyInAnyOrderEntriesOf(Map.of(
                refs.get(0), "The plot was great.", refs.get(1), "It dragged a lot.", refs.get(2), "Best part ever."));
    }
}
