package dev.conveyor.orchestrator.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.common.rest.Problem.FieldError;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.orchestrator.ProcessSteps;
import dev.conveyor.orchestrator.RunView;
import dev.conveyor.orchestrator.WorkflowView;
import dev.conveyor.orchestrator.client.SourceCatalogue;
import dev.conveyor.orchestrator.client.SourceProfile;
import dev.conveyor.orchestrator.config.OrchestratorConfig;
import dev.conveyor.orchestrator.messaging.CommandPublisher;
import dev.conveyor.orchestrator.rest.CreateWorkflowRequest;
import dev.conveyor.orchestrator.streams.StateQueries;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.WorkflowDefined;
import dev.conveyor.schemas.kafka.Topics;

/** Creates workflows and starts runs: validates, then publishes to the topics the topology reads. */
@ApplicationScoped
public class WorkflowService {

    private final SourceCatalogue sources;
    private final CommandPublisher publisher;
    private final StateQueries state;
    private final OrchestratorConfig config;

    public WorkflowService(SourceCatalogue sources, CommandPublisher publisher, StateQueries state,
            OrchestratorConfig config) {
        this.sources = sources;
        this.publisher = publisher;
        this.state = state;
        this.config = config;
    }

    public WorkflowView create(CreateWorkflowRequest request) {
        WorkflowValidator.Validated validated = WorkflowValidator.validate(request, sources::find);
        if (!validated.errors().isEmpty()) {
            throw ProblemException.badRequest(validated.errors());
        }
        WorkflowDefined workflow = WorkflowDefined.newBuilder()
                .setWorkflowId(UUID.randomUUID().toString())
                .setWorkflowName(request.workflowName().trim())
                .setSourceConnection(request.sourceConnection())
                .setProcesses(validated.processes())
                .setModel(request.model().trim())
                .setCreatedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
        publisher.publish(Topics.WORKFLOW_DEFINITIONS, workflow.getWorkflowId(), workflow);
        // Read-your-writes: a run started right after this answer must find the workflow here.
        state.awaitWorkflow(workflow.getWorkflowId(), config.workflowVisibleTimeout());
        return WorkflowView.of(workflow);
    }

    public WorkflowView get(String workflowId) {
        return WorkflowView.of(workflow(workflowId));
    }

    /** Starts a run; {@code body} is the optional request body (null when there is none). */
    public RunView startRun(String workflowId, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        if (!isUuid(workflowId)) {
            errors.add(new FieldError("workflow_id", "must be a UUID"));
        }
        RunBudget budget = RunBudget.read(body, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        WorkflowDefined workflow = workflow(workflowId);
        SourceProfile source = sources.find(workflow.getSourceConnection())
                .orElseThrow(() -> ProblemException.badRequest("source_connection",
                        "source '" + workflow.getSourceConnection() + "' has no rows"));
        RunRequested command = RunRequested.newBuilder()
                .setRunId(UUID.randomUUID().toString())
                .setWorkflowId(workflow.getWorkflowId())
                .setSourceConnection(workflow.getSourceConnection())
                .setProcesses(ProcessSteps.current(workflow.getProcesses()))
                .setModel(workflow.getModel())
                .setExpectedRows(source.rowCount())
                .setRequestedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .setMaxCostUsd(budget.maxCostUsd())
                .setMaxTokens(budget.maxTokens())
                .build();
        publisher.publish(Topics.RUN_COMMANDS, command.getRunId(), command);
        return RunView.requested(command);
    }

    /** The run, when this instance owns it; see {@link StateQueries#run}. */
    public StateQueries.Lookup<RunView> run(String workflowId, String runId) {
        WorkflowDefined workflow = workflow(workflowId);
        requireUuid(runId, "run_id");
        return state.run(workflow.getSourceConnection(), runId).map(RunView::of);
    }

    private WorkflowDefined workflow(String workflowId) {
        requireUuid(workflowId, "workflow_id");
        Optional<WorkflowDefined> workflow = state.workflow(workflowId);
        return workflow.orElseThrow(() -> ProblemException.notFound("workflow_id", "no workflow " + workflowId));
    }

    private static void requireUuid(String value, String field) {
        if (!isUuid(value)) {
            throw ProblemException.badRequest(field, "must be a UUID");
        }
    }

    private static boolean isUuid(String value) {
        try {
            UUID.fromString(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
