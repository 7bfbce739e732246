package dev.conveyor.review.sessions.service;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.ApprovalState;
import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.CompiledPreview;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.DatasetRunContext;
import dev.conveyor.review.sessions.ExecutionMapping;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.LaunchStatus;
import dev.conveyor.review.sessions.SemanticSourceStatus;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.TemplateVariable;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.execution.ExecutionInputs;
import dev.conveyor.review.sessions.execution.RunReadiness;
import dev.conveyor.review.sessions.rest.SessionRequests;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;
import dev.conveyor.review.sessions.superset.SupersetClient;
import dev.conveyor.review.sessions.superset.SupersetUnavailableException;

/**
 * The launch (seed §8, §11): only when the run readiness invariant holds (else {@code 409} listing
 * each unmet condition), SQL Lab runs exactly the preview's compiled SQL
 * ({@code POST /api/v1/sqllab/execute/}) and a {@link DatasetRunContext} records what ran, with what
 * inputs, approvals and open warnings, and Superset's answer as {@code launch_status}. Like the
 * preview: a {@code launch_requested} event marks the launch in flight (a second one is refused),
 * SQL Lab is called outside any transaction, the outcome is one event.
 */
@ApplicationScoped
public class DatasetLaunchService {

    public static final String LAUNCH_FAILED = "launch_failed";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final SessionCommandRunner runner;
    private final SupersetClient superset;

    public DatasetLaunchService(SessionCommandRunner runner, SupersetClient superset) {
        this.runner = runner;
        this.superset = superset;
    }

    public DatasetReviewSession launch(String sessionId, String user, Long ifMatch, SessionRequests.Launch req) {
        String runContextId = UUID.randomUUID().toString();
        String taskId = RunReadiness.LAUNCH_TASK_PREFIX + runContextId;
        DatasetReviewSession requested = runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false),
                s -> {
                    List<RunReadiness.Unmet> unmet = RunReadiness.unmet(s);
                    if (!unmet.isEmpty()) {
                        throw LaunchProblems.unmet("the run readiness invariant does not hold", unmet);
                    }
                    return List.of(Change.of(SessionEventType.LAUNCH_REQUESTED, "task_id", taskId)
                            .with("run_context_id", runContextId));
                });
        CompiledPreview preview = RunReadiness.currentPreview(requested);
        ExecutionInputs inputs = ExecutionInputs.of(requested);
        // SQL Lab keeps client_id in 11 characters
        String clientId = clientId();
        ObjectNode body = NODES.objectNode();
        body.put("database_id", requested.profile.databaseId);
        body.put("sql", preview.compiledSql);
        if (requested.profile.schemaName == null) {
            body.putNull("schema");
        } else {
            body.put("schema", requested.profile.schemaName);
        }
        body.put("templateParams", inputs.templateParams().toString());
        body.put("runAsync", req != null && Boolean.TRUE.equals(req.runAsync()));
        body.put("client_id", clientId);
        body.put("tab", "Conveyor review " + sessionId);
        body.put("json", true);
        body.put("expand_data", true);
        body.put("select_as_cta", false);
        DatasetRunContext run = context(requested, runContextId, preview, inputs);
        run.sqlLabSessionRef = ref(requested.environmentId, null, clientId);
        if (requested.profile.databaseId == null) {
            run.launchStatus = LaunchStatus.FAILED;
            run.launchError = "Superset named no database for the dataset: SQL Lab needs database_id";
        } else {
            execute(requested.environmentId, body, clientId, run);
        }
        return record(sessionId, user, taskId, run);
    }

    /**
     * After a crash between asking SQL Lab and recording its answer: the launch is recorded as
     * failed with its client id, so a person checks SQL Lab's history before launching again.
     */
    public DatasetReviewSession finishInterrupted(String sessionId, String user) {
        DatasetReviewSession s = runner.read(sessionId, user);
        if (s.activeTaskId == null || !s.activeTaskId.startsWith(RunReadiness.LAUNCH_TASK_PREFIX)
                || s.isReadOnly()) {
            return s;
        }
        String runContextId = s.activeTaskId.substring(RunReadiness.LAUNCH_TASK_PREFIX.length());
        CompiledPreview preview = RunReadiness.currentPreview(s);
        DatasetRunContext run = context(s, runContextId, preview, ExecutionInputs.of(s));
        run.sqlLabSessionRef = ref(s.environmentId, null, "unknown");
        run.launchStatus = LaunchStatus.FAILED;
        run.launchError = "interrupted before SQL Lab's answer was recorded: check SQL Lab's query history for a "
                + "query from this session before launching again";
        return record(sessionId, user, s.activeTaskId, run);
    }

    private DatasetReviewSession record(String sessionId, String user, String taskId, DatasetRunContext run) {
        return runner.run(new Command(sessionId, user, Permission.READ, null, true), s -> {
            // recorded once; another task (an AI request) may have taken active_task_id meanwhile
            if (s.runContexts.stream().anyMatch(r -> r.runContextId.equals(run.runContextId))) {
                return List.of();
            }
            List<ValidationFinding> findings = new ArrayList<>();
            if (run.launchStatus == LaunchStatus.FAILED) {
                findings.add(DatasetIntakeMapper.finding(s.sessionId, FindingArea.LAUNCH, FindingSeverity.WARNING,
                        LAUNCH_FAILED, "SQL Lab did not run the dataset", run.launchError
                                + ". The preview and the approvals stand; launch again once the cause is fixed.",
                        run.runContextId, SessionClock.now()));
            }
            return List.of(Change.of(SessionEventType.LAUNCH_RECORDED, "run_context", run).with("task_id", taskId)
                    .with("findings", findings));
        });
    }

    /** Fills the outcome from SQL Lab's answer. */
    void execute(String environmentId, ObjectNode body, String clientId, DatasetRunContext run) {
        SupersetClient.Answer answer;
        try {
            answer = superset.executeSql(environmentId, body);
        } catch (SupersetUnavailableException e) {
            run.launchStatus = LaunchStatus.FAILED;
            run.launchError = e.getMessage();
            return;
        }
        JsonNode a = answer.body() == null ? NODES.objectNode() : answer.body();
        JsonNode query = a.path("query");
        String queryId = a.hasNonNull("query_id") ? a.get("query_id").asText()
                : query.hasNonNull("queryId") ? query.get("queryId").asText() : null;
        String state = a.hasNonNull("status") ? a.get("status").asText() : query.path("state").asText("");
        run.sqlLabSessionRef = ref(environmentId, queryId, query.hasNonNull("id") ? query.get("id").asText()
                : clientId);
        if (answer.status() == 202 || answer.status() / 100 == 2 && List.of("pending", "running", "scheduled")
                .contains(state)) {
            run.launchStatus = LaunchStatus.STARTED;
        } else if (answer.status() / 100 == 2 && "success".equals(state)) {
            run.launchStatus = LaunchStatus.SUCCESS;
        } else {
            run.launchStatus = LaunchStatus.FAILED;
            run.launchError = "SQL Lab answered " + answer.status() + (state.isEmpty() ? "" : " (" + state + ")")
                    + CompiledPreviewService.message(a);
        }
    }

    static DatasetRunContext context(DatasetReviewSession s, String runContextId, CompiledPreview preview,
            ExecutionInputs inputs) {
        DatasetRunContext run = new DatasetRunContext();
        run.runContextId = runContextId;
        run.sessionId = s.sessionId;
        run.datasetRef = s.datasetRef;
        run.environmentId = s.environmentId;
        run.previewId = preview == null ? null : preview.previewId;
        run.effectiveFilters = inputs.effectiveFilters();
        run.templateParams = inputs.templateParams();
        for (TemplateVariable v : s.templateVariables) {
            ExecutionMapping m = ExecutionInputs.activeMapping(s, v.variableId);
            if (m != null && m.approvalState == ApprovalState.APPROVED) {
                run.approvedMappingIds.add(m.mappingId);
            }
        }
        // the semantic decisions in force: sources applied, fields a person decided
        s.semanticSources.stream().filter(src -> src.status == SemanticSourceStatus.APPLIED)
                .forEach(src -> run.semanticDecisionRefs.add("semantic_source:" + src.sourceId));
        s.fields.stream().filter(f -> f.isLocked).forEach(f -> run.semanticDecisionRefs.add("field:" + f.fieldId));
        s.findings.stream().filter(f -> f.isOpen() && f.severity == FindingSeverity.WARNING)
                .forEach(f -> run.openWarningRefs.add(f.findingId));
        run.createdAt = SessionClock.now();
        return run;
    }

    static String ref(String environmentId, String queryId, String clientId) {
        return "superset://" + environmentId + "/sqllab/" + (queryId != null ? "query/" + queryId + "?client_id="
                + clientId : "client/" + clientId);
    }

    static String clientId() {
        char[] id = new char[11];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }

    static Instant now() {
        return SessionClock.now();
    }
}
