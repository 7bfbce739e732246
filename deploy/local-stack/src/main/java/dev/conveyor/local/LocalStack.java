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
    /** The worker's own database: rate-limit schedules and run budget ledgers. */
    public static final String WORKER_DATABASE = "conveyor_worker";

    private final EmbeddedKafka kafka;
    private final Database database;
    private final Map<String, ServiceProcess> services;
    private final Path workDir;
    private final Path repoRoot;
    /** How each service was launched, so that more instances of it can be started alike. */
    private final Map<String, Launch> launches;
    private final List<ServiceProcess> extraInstances = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Launch(Map<String, String> properties, Map<String, String> environment) {
        Launch with(Settings more) {
            return more == null ? this
                    : new Launch(LocalStack.with(properties, more.properties()),
                            LocalStack.with(environment, more.environment()));
        }
    }

    private LocalStack(EmbeddedKafka kafka, Database database, Map<String, ServiceProcess> services, Path workDir,
            Path repoRoot, Map<String, Launch> launches) {
        this.kafka = kafka;
        this.database = database;
        this.services = services;
        this.workDir = workDir;
        this.repoRoot = repoRoot;
        this.launches = launches;
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
     * As above, with configuration every service gets on top of its own (for example tracing:
     * {@code quarkus.otel.sdk.disabled=false} and an OTLP endpoint).
     */
    public static LocalStack start(Path repoRoot, java.util.Optional<LlmEndpoint> llm, Database database, Path workDir,
            Consumer<String> progress, Map<String, String> everyService) {
        return start(repoRoot, llm, database, workDir, progress, everyService, Map.of());
    }

    /** More configuration for one service: system properties, and environment variables (secrets go there). */
    public record Settings(Map<String, String> properties, Map<String, String> environment) {
    }

    /**
     * As above, with more configuration per service (keyed by module name) on top of the stack's
     * own: e.g. review-service's JWT key and Superset environments, or a worker with a short
     * model-call time-out, in tests.
     */
    public static LocalStack start(Path repoRoot, java.util.Optional<LlmEndpoint> llm, Database database, Path workDir,
            Consumer<String> progress, Map<String, String> everyService, Map<String, Settings> extra) {
        EmbeddedKafka kafka = null;
        List<ServiceProcess> started = new ArrayList<>();
        try {
            Files2.deleteTree(workDir);
            Files.createDirectories(workDir);
            progress.accept("Starting Kafka (embedded KRaft broker)...");
            kafka = EmbeddedKafka.start();
            progress.accept("Kafka at " + kafka.bootstrapServers() + "; PostgreSQL at "
                    + database.jdbcUrl("") + (database.isEmbedded() ? " (embedded)" : " (local)"));
            database.recreate(List.of("conveyor_ingest", "conveyor_review", WORKER_DATABASE));

            Path logs = workDir.resolve("logs");
            Map<String, String> common = with(Map.of(
                    "kafka.bootstrap.servers", kafka.bootstrapServers(),
                    "quarkus.log.console.json", "false"), everyService);

            Map<String, Launch> launches = new HashMap<>();
            launches.put(INGEST, new Launch(with(common, datasource(database, "conveyor_ingest")), secrets(database)));
            launches.put(REVIEW, new Launch(with(common, datasource(database, "conveyor_review")), secrets(database)));
            // The worker's database holds the rate-limit schedules and run budgets its instances share.
            launches.put(WORKER, new Launch(with(with(common, datasource(database, WORKER_DATABASE)),
                    llm.map(endpoint -> Map.of(
                            "conveyor.worker.provider", "openai",
                            "quarkus.langchain4j.openai.base-url", endpoint.baseUrl(),
                            "quarkus.langchain4j.openai.chat-model.model-name", endpoint.model()))
                            .orElse(Map.of("conveyor.worker.provider", "offline"))),
                    with(secrets(database), llm.map(endpoint -> Map.of("QUARKUS_LANGCHAIN4J_OPENAI_API_KEY",
                            endpoint.apiKey())).orElse(Map.of()))));
            launches.replaceAll((module, launch) -> launch.with(extra.get(module)));
            ServiceProcess ingest = ServiceProcess.launch(repoRoot, INGEST, launches.get(INGEST).properties(),
                    launches.get(INGEST).environment(), logs);
            started.add(ingest);
            ServiceProcess review = ServiceProcess.launch(repoRoot, REVIEW, launches.get(REVIEW).properties(),
                    launches.get(REVIEW).environment(), logs);
            started.add(review);
            ServiceProcess worker = ServiceProcess.launch(repoRoot, WORKER, launches.get(WORKER).properties(),
                    launches.get(WORKER).environment(), logs);
            started.add(worker);
            launches.put(ORCHESTRATOR, new Launch(with(common, Map.of(
                    "quarkus.rest-client.ingest.url", ingest.url(),
                    "kafka-streams.state.dir", workDir.resolve("orchestrator-state").toString())), Map.of()));
            launches.computeIfPresent(ORCHESTRATOR, (module, launch) -> launch.with(extra.get(module)));
            ServiceProcess orchestrator = ServiceProcess.launch(repoRoot, ORCHESTRATOR,
                    launches.get(ORCHESTRATOR).properties(), Map.of(), logs);
            started.add(orchestrator);
            progress.accept("Starting the four services (logs in " + logs + ")...");

            Map<String, ServiceProcess> services = new HashMap<>();
            for (ServiceProcess service : started) {
                services.put(service.name(), service.awaitReady(Duration.ofSeconds(120)));
                progress.accept("  " + service.name() + " ready at " + service.url());
            }
            return new LocalStack(kafka, database, services, workDir, repoRoot, launches);
        } catch (RuntimeException | java.io.IOException e) {
            started.forEach(ServiceProcess::close);
            if (kafka != null) {
                kafka.close();
            }
            database.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** The properties that point a service at database {@code name} (the password goes in {@link #secrets}). */
    public static Map<String, String> datasource(Database database, String name) {
        return Map.of(
                "quarkus.datasource.jdbc.url", database.jdbcUrl(name),
                "quarkus.datasource.username", database.user(),
                // four JVMs start at once against one local PostgreSQL: on a loaded machine a first
                // connection took longer than Agroal's 5 s default and a service failed to start
                "quarkus.datasource.jdbc.acquisition-timeout", "30s");
    }

    /** The database password goes through the environment, never the command line. */
    public static Map<String, String> secrets(Database database) {
        return Map.of("QUARKUS_DATASOURCE_PASSWORD", database.password());
    }

    /** The second map wins; a null map adds nothing. */
    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        if (b != null) {
            all.putAll(b);
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

    /**
     * Starts one more instance of each of these services, configured as the first one, all at
     * once, and waits until every one is ready. What must differ per instance differs: its port,
     * its log ({@code <module>-<instance>.log}), ingest's instance id (its outbox relay's
     * transactional id is {@code conveyor-ingest-<instance>}), the orchestrator's state directory.
     * The stack stops them on close.
     */
    public List<ServiceProcess> startInstances(List<String> modules, String instance) {
        List<ServiceProcess> started = new ArrayList<>();
        for (String module : modules) {
            Launch launch = launches.get(module);
            if (launch == null) {
                throw new IllegalArgumentException("no service " + module);
            }
            Map<String, String> properties = new HashMap<>(launch.properties());
            if (module.equals(INGEST)) {
                properties.put("conveyor.ingest.instance-id", instance);
            }
            if (module.equals(ORCHESTRATOR)) {
                properties.put("kafka-streams.state.dir",
                        workDir.resolve("orchestrator-state-" + instance).toString());
            }
            ServiceProcess process = ServiceProcess.launch(repoRoot, module, module + "-" + instance, properties,
                    launch.environment(), workDir.resolve("logs"));
            extraInstances.add(process);
            started.add(process);
        }
        started.forEach(process -> process.awaitReady(Duration.ofSeconds(180)));
        return started;
    }

    @Override
    public void close() {
        // Services first, so that none of them is left talking to a broker that is gone.
        extraInstances.forEach(ServiceProcess::close);
        services.values().forEach(ServiceProcess::close);
        kafka.close();
        database.close();
    }

    public Path workDir() {
        return workDir;
    }
}
