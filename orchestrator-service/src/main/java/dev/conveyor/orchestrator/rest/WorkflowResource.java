package dev.conveyor.orchestrator.rest;

import java.net.URI;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.orchestrator.RunView;
import dev.conveyor.orchestrator.WorkflowView;
import dev.conveyor.orchestrator.service.WorkflowService;
import dev.conveyor.orchestrator.streams.StateQueries;

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
        StateQueries.Lookup<RunView> lookup = workflows.run(workflowId, runId);
        if (lookup.owner().isPresent()) {
            URI there = uri.getRequestUriBuilder().host(lookup.owner().get().host())
                    .port(lookup.owner().get().port()).build();
            return Response.temporaryRedirect(there).build();
        }
        RunView run = lookup.value().orElseThrow(() -> ProblemException.notFound("run_id",
                "no run " + runId + " of workflow " + workflowId + " (it may not have been taken up yet)"));
        return Response.ok(run).build();
    }
}
