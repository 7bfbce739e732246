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
import dev.conveyor.common.rest.Problem;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.RunAction;
import dev.conveyor.schemas.RunLifecycleRequested;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.RunRequested;
import dev.conveyor.schemas.RunStatus;
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
                .setFailedRows(validated.failedRows())
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
        RunOptions options = RunOptions.read(body, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        WorkflowDefined workflow = workflow(workflowId);
        return request(workflow, ProcessSteps.current(workflow.getProcesses()), options);
    }

    private RunView request(WorkflowDefined workflow, List<ProcessStep> processes, RunOptions options) {
        Optional<SourceProfile> profile = sources.find(workflow.getSourceConnection());
        if (profile.isEmpty() && !options.continuous()) {
            throw ProblemException.badRequest("source_connection",
                    "source '" + workflow.getSourceConnection() + "' has no rows");
        }
        RunRequested command = RunCommands.of(workflow, processes, options,
                profile.map(SourceProfile::rowCount).orElse(0L), Instant.ofEpochMilli(System.currentTimeMillis()));
        publisher.publish(Topics.RUN_COMMANDS, command.getRunId(), command);
        return RunView.requested(command);
    }

    /** The run, when this instance owns it; see {@link StateQueries#run}. */
    public StateQueries.Lookup<RunView> run(String workflowId, String runId) {
        return state(workflowId, runId).map(found -> RunView.of(found.run(), found.totals(), Instant.now()));
    }

    private StateQueries.Lookup<StateQueries.RunState> state(String workflowId, String runId) {
        WorkflowDefined workflow = workflow(workflowId);
        requireUuid(runId, "run_id");
        return state.run(workflow.getSourceConnection(), runId);
    }

    /**
     * Pause, resume, cancel or retry the Failed tasks of one process: checked against the run's
     * status here (409 when it does not apply), then carried out by the run's coordinator.
     */
    public StateQueries.Lookup<RunView> lifecycle(String workflowId, String runId, RunAction action,
            String processName) {
        StateQueries.Lookup<StateQueries.RunState> lookup = state(workflowId, runId);
        if (lookup.owner().isPresent()) {
            return lookup.map(found -> null);
        }
        RunProgress run = lookup.value().orElseThrow(() -> ProblemException.notFound("run_id",
                "no run " + runId + " of workflow " + workflowId + " (it may not have been taken up yet)"))
                .run();
        RunStatus status = run.getStatus();
        String conflict = switch (action) {
            case PAUSE -> status == RunStatus.RUNNING ? null : "only a RUNNING run can be paused";
            case RESUME -> status == RunStatus.PAUSED ? null : "only a PAUSED run can be resumed";
            case CANCEL -> run.getFinishedAt() == null && status != RunStatus.CANCELLED
                    && status != RunStatus.BUDGET_EXHAUSTED ? null : "the run has already stopped";
            case RETRY_FAILED -> status == RunStatus.RUNNING || status == RunStatus.PAUSED
                    || status == RunStatus.COMPLETED ? null : "a " + status + " run is not retried";
        };
        if (action == RunAction.RETRY_FAILED) {
            if (processName == null || processName.isBlank()) {
                throw ProblemException.badRequest("process", "name the process whose Failed tasks to retry");
            }
            if (run.getProcesses().stream().noneMatch(p -> p.getName().equals(processName))) {
                throw ProblemException.badRequest("process", "the run has no process '" + processName + "'");
            }
        }
        if (conflict != null) {
            throw new ProblemException(Problem.of(409, "Run is " + status, conflict + " (run " + runId + " is "
                    + status + ")"));
        }
        RunLifecycleRequested request = RunLifecycleRequested.newBuilder()
                .setRunId(runId)
                .setWorkflowId(workflowId)
                .setSourceConnection(run.getSourceConnection())
                .setAction(action)
                .setProcessName(action == RunAction.RETRY_FAILED ? processName : null)
                .setRequestedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
        publisher.publish(Topics.RUN_LIFECYCLE, runId, request);
        return lookup.map(found -> RunView.of(found.run(), found.totals(), Instant.now()));
    }

    /** Re-runs one process of a run (its definition as that run had it) as a new run over the source. */
    public StateQueries.Lookup<RunView> rerun(String workflowId, String runId, String processName, JsonNode body) {
        List<FieldError> errors = new ArrayList<>();
        RunOptions options = RunOptions.read(body, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        StateQueries.Lookup<StateQueries.RunState> lookup = state(workflowId, runId);
        if (lookup.owner().isPresent()) {
            return lookup.map(found -> null);
        }
        RunProgress run = lookup.value().orElseThrow(() -> ProblemException.notFound("run_id",
                "no run " + runId + " of workflow " + workflowId)).run();
        ProcessStep step = run.getProcesses().stream().filter(p -> p.getName().equals(processName)).findFirst()
                .orElseThrow(() -> ProblemException.badRequest("process",
                        "the run has no process '" + processName + "'"));
        RunView started = request(workflow(workflowId), List.of(step), options);
        return new StateQueries.Lookup<>(java.util.Optional.of(started), java.util.Optional.empty());
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
