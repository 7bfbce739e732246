package dev.conveyor.review.sessions.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.CompiledBy;
import dev.conveyor.review.sessions.CompiledPreview;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FieldKind;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.PreviewStatus;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.SessionAccess.Permission;
import dev.conveyor.review.sessions.SessionClock;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.execution.ExecutionInputs;
import dev.conveyor.review.sessions.execution.RunReadiness;
import dev.conveyor.review.sessions.service.SessionCommandRunner.Command;
import dev.conveyor.review.sessions.superset.SupersetClient;
import dev.conveyor.review.sessions.superset.SupersetUnavailableException;

/**
 * The compiled preview (seed §8): Superset itself compiles the dataset's query for the session's
 * effective inputs ({@code POST /api/v1/chart/data}, {@code result_type: query}) and the preview
 * stores {@code result[0].query} exactly. Three steps, like intake: record a {@code pending}
 * preview with the inputs' fingerprint, ask Superset outside any transaction, record its answer.
 * A failure keeps {@code compiled_sql} null and raises a {@code compiled_preview} finding; asking
 * again is the way back. Nothing but Superset's answer is ever stored as the SQL.
 */
@ApplicationScoped
public class CompiledPreviewService {

    public static final String PREVIEW_FAILED = "preview_compilation_failed";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SessionCommandRunner runner;
    private final SupersetClient superset;

    public CompiledPreviewService(SessionCommandRunner runner, SupersetClient superset) {
        this.runner = runner;
        this.superset = superset;
    }

    public DatasetReviewSession preview(String sessionId, String user, Long ifMatch) {
        String previewId = UUID.randomUUID().toString();
        DatasetReviewSession requested = runner.run(new Command(sessionId, user, Permission.REVIEW, ifMatch, false),
                s -> {
                    if (s.profile == null || s.datasetId == null) {
                        throw SessionProblems.conflict("dataset_id", "nothing imported yet: import from Superset first");
                    }
                    // seed §6: a required variable's effective value comes before the preview
                    List<RunReadiness.Unmet> missing = RunReadiness.mappingConditions(s).stream()
                            .filter(u -> u.code().equals(RunReadiness.REQUIRED_VALUE_MISSING)).toList();
                    if (!missing.isEmpty()) {
                        throw LaunchProblems.unmet("the preview needs a value for every required variable", missing);
                    }
                    CompiledPreview p = new CompiledPreview();
                    p.previewId = previewId;
                    p.sessionId = s.sessionId;
                    p.previewStatus = PreviewStatus.PENDING;
                    p.previewFingerprint = ExecutionInputs.of(s).fingerprint();
                    p.compiledBy = CompiledBy.SUPERSET;
                    p.createdAt = SessionClock.now();
                    return List.of(Change.of(SessionEventType.PREVIEW_REQUESTED, "preview", p)
                            .with("task_id", RunReadiness.PREVIEW_TASK_PREFIX + previewId));
                });
        ExecutionInputs inputs = ExecutionInputs.of(requested);
        JsonNode queryContext = queryContext(requested, inputs);
        Outcome outcome = compile(requested.environmentId, queryContext);
        return runner.run(new Command(sessionId, user, Permission.READ, null, true), s -> {
            CompiledPreview p = s.previews.stream().filter(x -> x.previewId.equals(previewId)).findFirst()
                    .orElse(null);
            if (p == null) {
                return List.of();
            }
            CompiledPreview done = Change.copy(p);
            Instant now = SessionClock.now();
            List<ValidationFinding> findings = new ArrayList<>();
            if (outcome.sql() != null) {
                done.compiledSql = outcome.sql();
                done.compiledAt = now;
                // inputs that changed meanwhile already made it stale: it stays so
                done.previewStatus = p.previewStatus == PreviewStatus.PENDING ? PreviewStatus.READY : p.previewStatus;
                for (ValidationFinding f : s.findings) {
                    if (PREVIEW_FAILED.equals(f.code) && f.isOpen()) {
                        ValidationFinding r = Change.copy(f);
                        r.resolutionState = ResolutionState.RESOLVED;
                        r.resolutionNote = "resolved by the system: Superset compiled preview " + previewId;
                        r.resolvedAt = now;
                        findings.add(r);
                    }
                }
                return List.of(Change.of(SessionEventType.PREVIEW_COMPILED, "preview", done).with("findings",
                        findings));
            }
            done.previewStatus = PreviewStatus.FAILED;
            done.compiledSql = null;
            done.errorCode = outcome.errorCode();
            done.errorDetails = outcome.errorDetails();
            ValidationFinding f = DatasetIntakeMapper.finding(s.sessionId, FindingArea.COMPILED_PREVIEW,
                    FindingSeverity.WARNING, PREVIEW_FAILED, "Superset did not compile the preview",
                    outcome.errorDetails() + ". Nothing else is shown as the SQL; generate the preview again once "
                            + "the cause is fixed.", previewId, now);
            findings.add(f);
            return List.of(Change.of(SessionEventType.PREVIEW_FAILED, "preview", done).with("findings", findings));
        });
    }

    /** Superset's compilation, or why there is none. */
    record Outcome(String sql, String errorCode, String errorDetails) {
    }

    Outcome compile(String environmentId, JsonNode queryContext) {
        SupersetClient.Answer answer;
        try {
            answer = superset.chartData(environmentId, queryContext);
        } catch (SupersetUnavailableException e) {
            String code = e instanceof dev.conveyor.review.sessions.superset.SupersetCallException c
                    && c.failure() != dev.conveyor.review.sessions.superset.SupersetCallException.Failure.REFUSED
                            ? c.failure().code()
                            : e.status() == 0 ? "superset_unreachable" : "superset_" + e.status();
            return new Outcome(null, code, e.getMessage());
        }
        if (answer.status() / 100 != 2) {
            return new Outcome(null, "superset_" + answer.status(), "Superset answered " + answer.status()
                    + " to the chart data request" + message(answer.body()));
        }
        JsonNode first = answer.body() == null ? null : answer.body().path("result").path(0);
        if (first == null || first.isMissingNode()) {
            return new Outcome(null, "superset_no_result", "Superset's chart data answer has no result[0]");
        }
        if (first.hasNonNull("error")) {
            return new Outcome(null, "superset_query_error", "Superset could not compile the query: "
                    + first.get("error").asText());
        }
        if (!first.hasNonNull("query") || first.get("query").asText().isBlank()) {
            return new Outcome(null, "superset_no_query", "Superset's chart data answer has no result[0].query");
        }
        return new Outcome(first.get("query").asText(), null, null);
    }

    /**
     * The query context Superset compiles: the dataset's columns as a records query, the filters
     * (read by filter_values/get_filters from the first query) and the URL parameters (read by
     * url_param); the dataset's own template_params apply in Superset.
     */
    public static ObjectNode queryContext(DatasetReviewSession s, ExecutionInputs inputs) {
        ObjectNode qc = NODES.objectNode();
        qc.putObject("datasource").put("id", s.datasetId).put("type", "table");
        qc.put("force", true);
        ObjectNode query = qc.putArray("queries").addObject();
        ArrayNode columns = query.putArray("columns");
        s.fields.stream().filter(f -> f.fieldKind == FieldKind.COLUMN).forEach(f -> columns.add(f.fieldName));
        query.putArray("metrics");
        query.putArray("orderby");
        query.set("filters", inputs.effectiveFilters().deepCopy());
        query.set("url_params", inputs.urlParams().deepCopy());
        query.putObject("extras").put("having", "").put("where", "");
        qc.put("result_type", "query");
        qc.put("result_format", "json");
        ObjectNode formData = qc.putObject("form_data");
        formData.put("datasource", s.datasetId + "__table").put("viz_type", "table");
        formData.set("url_params", inputs.urlParams().deepCopy());
        return qc;
    }

    static String message(JsonNode body) {
        if (body == null) {
            return "";
        }
        if (body.hasNonNull("message")) {
            return ": " + body.get("message").toString().replaceAll("^\"|\"$", "");
        }
        if (body.path("errors").isArray() && !body.path("errors").isEmpty()) {
            return ": " + body.path("errors").path(0).path("message").asText();
        }
        return "";
    }
}
