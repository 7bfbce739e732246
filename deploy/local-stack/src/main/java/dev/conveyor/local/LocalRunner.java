package dev.conveyor.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The main job on one machine: starts Kafka, PostgreSQL and the four services, loads the seed's
 * three rows (or a CSV file), runs the workflow and prints the result table.
 *
 * <pre>
 * usage: conveyor-local [rows.csv] [--source NAME] [--processes '{"sentiment":"col"}'] [--model NAME]
 * </pre>
 */
public final class LocalRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalRunner() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        String csv = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else if (args[i].equals("-h") || args[i].equals("--help")) {
                System.out.println("usage: conveyor-local [rows.csv] [--source NAME] [--processes JSON] [--model NAME]");
                return;
            } else {
                csv = args[i];
            }
        }
        Optional<LlmEndpoint> llm = LlmEndpoint.fromEnvironment(System.getenv());
        if (llm.isEmpty()) {
            say("No model endpoint configured: the worker answers with its offline model (all-MiniLM-L6-v2:"
                    + " classification and extractive summaries).");
            System.out.println(LlmEndpoint.HOW_TO_CONFIGURE);
        }
        Path csvFile = csv == null ? null : Path.of(csv);
        if (csvFile != null && !java.nio.file.Files.isReadable(csvFile)) {
            throw new IllegalArgumentException("Cannot read the CSV file " + csvFile.toAbsolutePath());
        }
        String source = options.getOrDefault("source", csv == null ? SeedData.SOURCE : Path.of(csv).getFileName()
                .toString());
        Map<String, String> processes = options.containsKey("processes")
                ? JSON.readValue(options.get("processes"), JSON.getTypeFactory()
                        .constructMapType(LinkedHashMap.class, String.class, String.class))
                : SeedData.PROCESSES;
        String model = options.getOrDefault("model", llm.map(LlmEndpoint::model).orElse(SeedData.MODEL));

        Path repoRoot = Path.of(System.getProperty("conveyor.repo.root", ".")).toAbsolutePath().normalize();
        Database database = Database.localOrEmbedded(System.getenv());
        try (LocalStack stack = LocalStack.start(repoRoot, llm, database,
                repoRoot.resolve("target/local-run"), LocalRunner::say)) {
            ConveyorClient client = stack.client();
            // A CSV file streams through ingest's CSV upload (POST /sources/{s}/rows, text/csv), as any client's would.
            List<String> ids = csvFile == null ? client.ingest(source, SeedData.ROWS) : client.uploadCsv(source, csvFile);
            say("Ingested " + ids.size() + " rows into source '" + source + "'");
            JsonNode workflow = client.createWorkflow(SeedData.WORKFLOW_NAME, source, processes, model);
            String workflowId = workflow.path("workflow_id").asText();
            List<String> steps = new java.util.ArrayList<>();
            workflow.path("processes").fieldNames().forEachRemaining(steps::add);
            say("Created workflow " + workflowId + ": " + String.join(" → ", steps)
                    + " with model " + model + llm.map(l -> " at " + l.baseUrl()).orElse(" (answered offline)"));
            String runId = client.startRun(workflowId).path("run_id").asText();
            say("Started run " + runId + "; waiting for " + ids.size() * processes.size() + " results...");

            long expected = (long) ids.size() * processes.size();
            List<JsonNode> results = new java.util.ArrayList<>(
                    awaitResults(client, workflowId, runId, expected, Duration.ofMinutes(30)));
            // As in the seed: process by process, rows in the order they were loaded.
            results.sort(java.util.Comparator.<JsonNode>comparingInt(r -> r.path("stage_index").asInt())
                    .thenComparingInt(r -> ids.indexOf(r.path("reference_id").asText())));
            System.out.println();
            System.out.print(ResultTable.render(results));
            long failed = results.stream().filter(r -> "Failed".equals(r.path("status").asText())).count();
            System.out.println();
            say(results.size() + " results, " + failed + " failed. Service logs: " + stack.workDir().resolve("logs"));
        }
    }

    private static List<JsonNode> awaitResults(ConveyorClient client, String workflowId, String runId, long expected,
            Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitRun(client, workflowId, runId, deadline);
        String last = "";
        while (System.nanoTime() < deadline) {
            List<JsonNode> results = client.results(workflowId, runId);
            long done = results.stream().filter(r -> !"Pending".equals(r.path("status").asText())).count();
            String progress = done + "/" + expected + " results";
            if (!progress.equals(last)) {
                say("  " + progress);
                last = progress;
            }
            if (done >= expected) {
                return results;
            }
            Thread.sleep(500); // polling the REST API for progress; this is the runner, not a test
        }
        throw new IllegalStateException("The run did not finish within " + timeout.toMinutes() + " minutes");
    }

    /** A progress bar per process, from the orchestrator's live view, until the run has finished. */
    private static void awaitRun(ConveyorClient client, String workflowId, String runId, long deadline)
            throws InterruptedException {
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            JsonNode run;
            try {
                run = client.run(workflowId, runId);
            } catch (ConveyorClient.ApiException notYet) {
                if (notYet.status() != 404 && notYet.status() != 503) {
                    throw notYet;
                }
                Thread.sleep(500); // the run is not taken up yet; polling the REST API, not a test
                continue;
            }
            List<String> bars = ProgressBars.render(run);
            if (!bars.equals(last)) {
                bars.forEach(line -> say("  " + line));
                last = bars;
            }
            if (ProgressBars.finished(run)) {
                say("Run " + run.path("status").asText() + (run.path("stop_reason").isTextual()
                        ? ": " + run.path("stop_reason").asText() : ""));
                return;
            }
            Thread.sleep(1000); // polling the REST API for progress; this is the runner, not a test
        }
    }

    private static void say(String line) {
        System.out.println("[conveyor] " + line);
    }
}
