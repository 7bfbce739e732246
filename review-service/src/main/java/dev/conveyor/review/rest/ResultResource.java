package dev.conveyor.review.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.review.ResultFilter;
import dev.conveyor.review.ResultStatus;
import dev.conveyor.review.RunTotals;
import dev.conveyor.review.Uuids;
import dev.conveyor.review.WorkflowProgress;
import dev.conveyor.review.service.ResultQueryService;

/**
 * Results of workflows, and what runs have cost. Query parameters arrive as text and are checked here, so that every
 * bad one is named in a single problem document (JAX-RS would answer 404 for an unparsable
 * query parameter).
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ResultResource {

    static final int DEFAULT_SIZE = 50;
    static final int MAX_SIZE = 500;

    private final ResultQueryService results;

    public ResultResource(ResultQueryService results) {
        this.results = results;
    }

    @GET
    @Path("workflows/{workflowId}/results")
    public ResultPage list(@PathParam("workflowId") String workflowId, @QueryParam("process") String process,
            @QueryParam("status") String status, @QueryParam("run_id") String runId,
            @QueryParam("page") String page, @QueryParam("size") String size) {
        List<Problem.FieldError> errors = new ArrayList<>();
        UUID workflow = uuid("workflow_id", workflowId, errors);
        UUID run = blank(runId) ? null : uuid("run_id", runId, errors);
        ResultStatus wanted = blank(status) ? null : status(status, errors);
        int pageNumber = integer("page", page, 0, 0, Integer.MAX_VALUE, errors);
        int pageSize = integer("size", size, DEFAULT_SIZE, 1, MAX_SIZE, errors);
        failOn(errors);

        ResultFilter filter = new ResultFilter(workflow, blank(process) ? null : process, wanted, run);
        ResultQueryService.ResultSlice slice = results.list(filter, pageNumber, pageSize);
        return new ResultPage(slice.items().stream().map(ResultView::of).toList(), pageNumber, pageSize,
                slice.total());
    }

    @GET
    @Path("workflows/{workflowId}/results/summary")
    public WorkflowProgress summary(@PathParam("workflowId") String workflowId, @QueryParam("run_id") String runId) {
        List<Problem.FieldError> errors = new ArrayList<>();
        UUID workflow = uuid("workflow_id", workflowId, errors);
        UUID run = blank(runId) ? null : uuid("run_id", runId, errors);
        failOn(errors);
        return results.progress(workflow, run);
    }

    @GET
    @Path("results/{resultId}")
    public ResultView get(@PathParam("resultId") String resultId) {
        List<Problem.FieldError> errors = new ArrayList<>();
        UUID id = uuid("result_id", resultId, errors);
        failOn(errors);
        return results.find(id).map(ResultView::of)
                .orElseThrow(() -> ProblemException.notFound("result_id", "no result " + id));
    }

    @GET
    @Path("runs/{runId}/totals")
    public RunTotals totals(@PathParam("runId") String runId) {
        List<Problem.FieldError> errors = new ArrayList<>();
        UUID run = uuid("run_id", runId, errors);
        failOn(errors);
        return results.totals(run)
                .orElseThrow(() -> ProblemException.notFound("run_id", "no results for run " + run));
    }

    private static UUID uuid(String field, String text, List<Problem.FieldError> errors) {
        Optional<UUID> parsed = Uuids.parse(text);
        if (parsed.isEmpty()) {
            errors.add(new Problem.FieldError(field, "must be a UUID, got '" + text + "'"));
        }
        return parsed.orElse(null);
    }

    private static ResultStatus status(String text, List<Problem.FieldError> errors) {
        Optional<ResultStatus> parsed = ResultStatus.parse(text);
        if (parsed.isEmpty()) {
            errors.add(new Problem.FieldError("status", "must be one of " + ResultStatus.labels() + ", got '"
                    + text + "'"));
        }
        return parsed.orElse(null);
    }

    private static int integer(String field, String text, int fallback, int min, int max,
            List<Problem.FieldError> errors) {
        if (blank(text)) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String range = max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer from " + min + " to " + max;
        errors.add(new Problem.FieldError(field, "must be " + range + ", got '" + text + "'"));
        return fallback;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static void failOn(List<Problem.FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
    }
}
