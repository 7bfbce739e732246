package dev.conveyor.orchestrator.rest;

import java.net.URI;
import java.time.Duration;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.orchestrator.RunView;
import dev.conveyor.orchestrator.WorkflowView;
import dev.conveyor.orchestrator.service.WorkflowService;
import dev.conveyor.orchestrator.streams.StateQueries;
import dev.conveyor.schemas.RunAction;
import io.smallrye.mutiny.Multi;

@Path("/workflows")
@Produces(MediaType.APPLICATION_JSON)
public class WorkflowResource {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final WorkflowService workflows;

    public WorkflowResource(WorkflowService workflows) {
        this.workflows = workflows;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(CreateWorkflowRequest request) {
        WorkflowView created = workflows.create(request);
        return Response.created(URI.create("/workflows/" + created.workflowId())).entity(created).build();
    }

    @GET
    @Path("/{workflowId}")
    public WorkflowView get(@PathParam("workflowId") String workflowId) {
        return workflows.get(workflowId);
    }

    /**
     * The body ({@code {"budget": {...}}}) is optional, so it is taken as text: a request without
     * a body or a content type is a run without a budget.
     */
    @POST
    @Path("/{workflowId}/runs")
    public Response startRun(@PathParam("workflowId") String workflowId, String body) {
        RunView run = workflows.startRun(workflowId, parse(body));
        return Response.accepted(run)
                .location(URI.create("/workflows/" + workflowId + "/runs/" + run.runId()))
                .build();
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("body", "malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** Found here, redirected to the instance that owns the run, or 404. */
    @GET
    @Path("/{workflowId}/runs/{runId}")
    public Response run(@PathParam("workflowId") String workflowId, @PathParam("runId") String runId,
            @Context UriInfo uri) {
        return answer(workflows.run(workflowId, runId), uri, workflowId, runId, Response.Status.OK);
    }

    /**
     * The run's progress as server-sent events: one {@code progress} event a second (the body of
     * {@code GET .../runs/{runId}}) until the run has finished. A run owned by another instance
     * is redirected there first.
     */
    @GET
    @Path("/{workflowId}/runs/{runId}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public Multi<OutboundSseEvent> events(@PathParam("workflowId") String workflowId,
            @PathParam("runId") String runId, @Context UriInfo uri, @Context Sse sse) {
        StateQueries.Lookup<RunView> first = workflows.run(workflowId, runId);
        if (first.owner().isPresent()) {
            throw new WebApplicationException(redirect(first, uri));
        }
        RunView now = first.value().orElseThrow(() -> notFound(workflowId, runId));
        Multi<OutboundSseEvent> start = Multi.createFrom().item(event(sse, now));
        if (now.completedAt() != null) {
            return start;
        }
        Multi<OutboundSseEvent> updates = Multi.createFrom().ticks().every(Duration.ofSeconds(1))
                .onOverflow().drop()
                .map(tick -> workflows.run(workflowId, runId).value())
                .select().where(java.util.Optional::isPresent)
                .map(java.util.Optional::get)
                .select().first(view -> view.completedAt() == null) // while running
                .map(view -> event(sse, view));
        Multi<OutboundSseEvent> last = Multi.createFrom().item(() -> workflows.run(workflowId, runId).value()
                .map(view -> event(sse, view)).orElse(null));
        return Multi.createBy().concatenating().streams(start, updates, last);
    }

    private static OutboundSseEvent event(Sse sse, RunView view) {
        return sse.newEventBuilder().name("progress").mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(RunView.class, view).build();
    }

    @POST
    @Path("/{workflowId}/runs/{runId}/pause")
    public Response pause(@PathParam("workflowId") String workflowId, @PathParam("runId") String runId,
            @Context UriInfo uri) {
        return answer(workflows.lifecycle(workflowId, runId, RunAction.PAUSE, null), uri, workflowId, runId,
                Response.Status.ACCEPTED);
    }

    @POST
    @Path("/{workflowId}/runs/{runId}/resume")
    public Response resume(@PathParam("workflowId") String workflowId, @PathParam("runId") String runId,
            @Context UriInfo uri) {
        return answer(workflows.lifecycle(workflowId, runId, RunAction.RESUME, null), uri, workflowId, runId,
                Response.Status.ACCEPTED);
    }

    @POST
    @Path("/{workflowId}/runs/{runId}/cancel")
    public Response cancel(@PathParam("workflowId") String workflowId, @PathParam("runId") String runId,
            @Context UriInfo uri) {
        return answer(workflows.lifecycle(workflowId, runId, RunAction.CANCEL, null), uri, workflowId, runId,
                Response.Status.ACCEPTED);
    }

    /** Re-issues the Failed tasks of {@code ?process=} (same result ids; the review keeps the old failure). */
    @POST
    @Path("/{workflowId}/runs/{runId}/retry-failed")
    public Response retryFailed(@PathParam("workflowId") String workflowId, @PathParam("runId") String runId,
            @QueryParam("process") String process, @Context UriInfo uri) {
        return answer(workflows.lifecycle(workflowId, runId, RunAction.RETRY_FAILED, process), uri, workflowId,
                runId, Response.Status.ACCEPTED);
    }

    /** Runs {@code ?process=} of this run again, as a new run (body: the options of a new run). */
    @POST
    @Path("/{workflowId}/runs/{runId}/rerun")
    public Response rerun(@PathParam("workflowId") String workflowId, @PathParam("runId") String runId,
            @QueryParam("process") String process, String body, @Context UriInfo uri) {
        StateQueries.Lookup<RunView> lookup = workflows.rerun(workflowId, runId, process, parse(body));
        if (lookup.owner().isPresent()) {
            return redirect(lookup, uri);
        }
        RunView run = lookup.value().orElseThrow();
        return Response.accepted(run)
                .location(URI.create("/workflows/" + workflowId + "/runs/" + run.runId()))
                .build();
    }

    private static Response answer(StateQueries.Lookup<RunView> lookup, UriInfo uri, String workflowId,
            String runId, Response.Status status) {
        if (lookup.owner().isPresent()) {
            return redirect(lookup, uri);
        }
        RunView run = lookup.value().orElseThrow(() -> notFound(workflowId, runId));
        return Response.status(status).entity(run).build();
    }

    /** 307: the client repeats the same method (a POST stays a POST) at the owner. */
    private static Response redirect(StateQueries.Lookup<?> lookup, UriInfo uri) {
        URI there = uri.getRequestUriBuilder().host(lookup.owner().get().host())
                .port(lookup.owner().get().port()).build();
        return Response.temporaryRedirect(there).build();
    }

    private static ProblemException notFound(String workflowId, String runId) {
        return ProblemException.notFound("run_id",
                "no run " + runId + " of workflow " + workflowId + " (it may not have been taken up yet)");
    }
}
