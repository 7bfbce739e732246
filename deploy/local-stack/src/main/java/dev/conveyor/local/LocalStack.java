package dev.conveyor.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole platform on one machine: an embedded Kafka broker, PostgreSQL (local or embedded)
 * and the four packaged services, each in its own JVM. Used by the local runner and by the
 * end-to-end tests.
 */
public final class LocalStack implements AutoCloseable {

    public static final String INGEST = "ingest-service";
    public static final String ORCHESTRATOR = "orchestrator-service";
    public static final String WORKER = "llm-worker-service";
    public static final String REVIEW = "review-service";

    private final EmbeddedKafka kafka;
    private final Database database;
    private final Map<String, ServiceProcess> services;
    private final Path workDir;

    private LocalStack(EmbeddedKafka kafka, Database database, Map<String, ServiceProcess> services, Path workDir) {
        this.kafka = kafka;
        this.database = database;
        this.services = services;
        this.workDir = workDir;
    }

    /**
     * Starts everything and waits until every service is ready.
     *
     * @param repoRoot the checkout, where each module's {@code target/quarkus-app} is
     * @param llm the model endpoint the worker calls; empty for the worker's offline model
     * @param database the PostgreSQL server to use (the stack closes it)
     * @param workDir where logs and the orchestrator's state go (kept after close, for reading)
     * @param progress receives one line per step
     */
    public static LocalStack start(Path repoRoot, java.util.Optional<LlmEndpoint> llm, Database database, Path workDir,
            Consumer<String> progress) {
        return start(repoRoot, llm, database, workDir, progress, Map.of());
    }

    /**
     * As {@link #start(Path, java.util.Optional, Database, Path, Consumer)}, with extra system
     * properties per module (by module name, e.g. {@link #WORKER}) that override the stack's own:
     * for tests that need a service configured differently (a short model-call time-out).
     */
    public static LocalStack start(Path repoRoot, java.util.Optional<LlmEndpoint> llm, Database database, Path workDir,
            Consumer<String> progress, Map<String, Map<String, String>> overrides) {
        EmbeddedKafka kafka = null;
        List<ServiceProcess> started = new ArrayList<>();
        try {
            Files2.deleteTree(workDir);
            Files.createDirectories(workDir);
            progress.accept("Starting Kafka (embedded KRaft broker)...");
            kafka = EmbeddedKafka.start();
            progress.accept("Kafka at " + kafka.bootstrapServers() + "; PostgreSQL at "
                    + database.jdbcUrl("") + (database.isEmbedded() ? " (embedded)" : " (local)"));
            database.recreate(List.of("conveyor_ingest", "conveyor_review"));

            Path logs = workDir.resolve("logs");
            Map<String, String> common = Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "quarkus.log.console.json", "false");

            ServiceProcess ingest = ServiceProcess.launch(repoRoot, INGEST,
                    with(common, datasource(database, "conveyor_ingest"), overrides.get(INGEST)), secrets(database),
                    logs);
            started.add(ingest);
            ServiceProcess review = ServiceProcess.launch(repoRoot, REVIEW,
                    with(common, datasource(database, "conveyor_review"), overrides.get(REVIEW)), secrets(database),
                    logs);
            started.add(review);
            Map<String, String> model = llm.map(endpoint -> Map.of(
                    "conveyor.worker.provider", "openai",
                    "quarkus.langchain4j.openai.base-url", endpoint.baseUrl(),
                    "quarkus.langchain4j.openai.chat-model.model-name", endpoint.model()))
                    .orElse(Map.of("conveyor.worker.provider", "offline"));
            ServiceProcess worker = ServiceProcess.launch(repoRoot, WORKER,
                    with(common, model, overrides.get(WORKER)),
                    llm.map(endpoint -> Map.of("QUARKUS_LANGCHAIN4J_OPENAI_API_KEY", endpoint.apiKey()))
                            .orElse(Map.of()), logs);
            started.add(worker);
            ServiceProcess orchestrator = ServiceProcess.launch(repoRoot, ORCHESTRATOR,
                    with(common, Map.of(
                            "quarkus.rest-client.ingest.url", ingest.url(),
                            "kafka-streams.state.dir", workDir.resolve("orchestrator-state").toString()),
                            overrides.get(ORCHESTRATOR)),
                    Map.of(), logs);
            started.add(orchestrator);
            progress.accept("Starting the four services (logs in " + logs + ")...");

            Map<String, ServiceProcess> services = new HashMap<>();
            for (ServiceProcess service : started) {
                services.put(service.name(), service.awaitReady(Duration.ofSeconds(120)));
                progress.accept("  " + service.name() + " ready at " + service.url());
            }
            return new LocalStack(kafka, database, services, workDir);
        } catch (RuntimeException | java.io.IOException e) {
            started.forEach(ServiceProcess::close);
            if (kafka != null) {
                kafka.close();
            }
            database.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    private static Map<String, String> datasource(Database database, String name) {
        return Map.of(
                "quarkus.datasource.jdbc.url", database.jdbcUrl(name),
                "quarkus.datasource.username", database.user());
    }

    /** The database password goes through the environment, never the command line. */
    private static Map<String, String> secrets(Database database) {
        return Map.of("QUARKUS_DATASOURCE_PASSWORD", database.password());
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        return with(a, b, null);
    }

    /** Later maps win; a null map adds nothing. */
    private static Map<String, String> with(Map<String, String> a, Map<String, String> b, Map<String, String> c) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        if (c != null) {
            all.putAll(c);
        }
        return all;
    }

    public ServiceProcess service(String module) {
        return services.get(module);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The broker, to stop and restart it in failure tests. */
    public EmbeddedKafka broker() {
        return kafka;
    }

    public Database database() {
        return database;
    }

    public ConveyorClient client() {
        return new ConveyorClient(service(INGEST).url(), service(ORCHESTRATOR).url(), service(REVIEW).url());
    }

    @Override
    public void close() {
        // Services first, so that none of them is left talking to a broker that is gone.
        services.values().forEach(ServiceProcess::close);
        kafka.close();
        database.close();
    }

    public Path workDir() {
        return workDir;
    }
}
