package dev.conveyor.deploy.k8s;

import static dev.conveyor.schemas.kafka.Topics.DEAD_LETTER;
import static dev.conveyor.schemas.kafka.Topics.LLM_RESULTS;
import static dev.conveyor.schemas.kafka.Topics.LLM_TASKS;
import static dev.conveyor.schemas.kafka.Topics.PATH_EVENTS;
import static dev.conveyor.schemas.kafka.Topics.REVIEW_SESSION_EVENTS;
import static dev.conveyor.schemas.kafka.Topics.RUN_COMPLETED;
import static dev.conveyor.schemas.kafka.Topics.RUN_DIRECTIVES;
import static dev.conveyor.schemas.kafka.Topics.RUN_LIFECYCLE;
import static dev.conveyor.schemas.kafka.Topics.RUN_REPORTS;
import static dev.conveyor.schemas.kafka.Topics.SOURCE_ROWS_JSON;
import static dev.conveyor.schemas.kafka.Topics.SOURCE_ROW_COUNTS;
import static dev.conveyor.schemas.kafka.Topics.RUN_COMMANDS;
import static dev.conveyor.schemas.kafka.Topics.RUN_CONTROLS;
import static dev.conveyor.schemas.kafka.Topics.SOURCE_ROWS;
import static dev.conveyor.schemas.kafka.Topics.WORKFLOW_DEFINITIONS;

import java.util.List;
import java.util.Optional;

/**
 * What each service uses, declared once for the manifest checks. Adding a topic to Topics, a
 * consumer group or a service means adding it here too; the checks then name every manifest that
 * has to follow (a KafkaTopic, a KafkaUser's ACLs, ...). docs/deploy.md, "Adding a topic".
 *
 * <p>Each declaration is itself checked against the code: the topics a service declares must be
 * exactly those its sources and configuration refer to (KafkaAclsTest).
 */
final class Declared {

    private Declared() {
    }

    /** A service: its module, its Kafka use, its CloudNativePG cluster, and durations its pods must outlive. */
    record Service(String name, KafkaUse kafka, Optional<String> databaseCluster, List<String> inFlightDurations) {
    }

    static final List<Service> SERVICES = List.of(
            new Service("ingest-service",
                    KafkaUse.service("ingest-service", "conveyor-ingest")
                            .reads(SOURCE_ROWS, SOURCE_ROWS_JSON)
                            .writes(SOURCE_ROWS, DEAD_LETTER)
                            .groupFrom("conveyor.ingest.consumer-group")
                            .groupFrom("conveyor.ingest.intake-consumer-group")
                            .transactionalIds("conveyor-ingest-", "conveyor.ingest.instance-id"),
                    Optional.of("conveyor-ingest-db"), List.of()),
            new Service("orchestrator-service",
                    KafkaUse.service("orchestrator-service", "conveyor-orchestrator")
                            .reads(SOURCE_ROWS, WORKFLOW_DEFINITIONS, RUN_COMMANDS, LLM_RESULTS, RUN_LIFECYCLE,
                                    RUN_DIRECTIVES, RUN_REPORTS, SOURCE_ROW_COUNTS)
                            // LLM_RESULTS: a task Failed at its deadline, Skipped after a Failed process
                            .writes(WORKFLOW_DEFINITIONS, RUN_COMMANDS, LLM_TASKS, LLM_RESULTS, RUN_CONTROLS, DEAD_LETTER,
                                    RUN_LIFECYCLE, RUN_DIRECTIVES, RUN_REPORTS, SOURCE_ROW_COUNTS, RUN_COMPLETED)
                            .kafkaStreams("quarkus.kafka-streams.application-id"),
                    Optional.empty(), List.of()),
            new Service("llm-worker-service",
                    KafkaUse.service("llm-worker-service", "conveyor-llm-worker")
                            .reads(LLM_TASKS, RUN_CONTROLS)
                            .writes(LLM_RESULTS, DEAD_LETTER)
                            .groupFrom("conveyor.worker.group-id")
                            // run controls: every instance reads all of them in a group of its own
                            .groupPrefix("conveyor-llm-worker-controls-"),
                    Optional.of("conveyor-worker-db"),
                    // A model call in flight at SIGTERM may run this long, and the drain (shutdown-grace) is bounded by
                    // quarkus.shutdown.timeout: the pod must outlive both.
                    List.of("quarkus.langchain4j.openai.timeout", "quarkus.shutdown.timeout")),
            new Service("review-service",
                    KafkaUse.service("review-service", "conveyor-review")
                            .reads(LLM_TASKS, LLM_RESULTS, PATH_EVENTS, REVIEW_SESSION_EVENTS)
                            // LLM_TASKS: the AI work research Paths and review sessions ask for
                            .writes(DEAD_LETTER, LLM_TASKS, PATH_EVENTS, REVIEW_SESSION_EVENTS)
                            .groupFrom("conveyor.review.consumer.group-id")
                            .groupFrom("mp.messaging.incoming.ai-results.group.id"),
                    Optional.of("conveyor-review-db"), List.of()));

    /** KEDA's Kafka scaler reads the worker group's lag on the tasks topic. */
    static final KafkaUse KEDA = KafkaUse.lagReader("conveyor-keda")
            .describes(LLM_TASKS)
            .describesGroupOf("llm-worker-service", "conveyor.worker.group-id");

    static Service service(String name) {
        return SERVICES.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no declared service " + name));
    }
}
