package dev.conveyor.review.paths.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.review.paths.ResearchWorkflow;
import dev.conveyor.review.paths.service.ResearchWorkflowService;

/** Workflows of protocols that research Paths follow (seed 002's protocols_info). */
@Path("/research-workflows")
@Produces(MediaType.APPLICATION_JSON)
public class ResearchWorkflowResource {

    private final ResearchWorkflowService workflows;

    public ResearchWorkflowResource(ResearchWorkflowService workflows) {
        this.workflows = workflows;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(JsonNode body) {
        ResearchWorkflow w = workflows.register(body);
        return Response.created(URI.create("/research-workflows/" + w.id())).entity(PathViews.workflow(w)).build();
    }

    @GET
    @Path("/{id}")
    public ObjectNode get(@PathParam("id") String id) {
        return PathResource.uuid("id", id, true)
                .flatMap(workflows::find)
                .map(PathViews::workflow)
                .orElseThrow(() -> ProblemException.notFound("id", "no workflow of protocols " + id));
    }

    @GET
    public ObjectNode list(@QueryParam("page") @DefaultValue("0") int page,
            @QueryParam("size") @DefaultValue("50") int size) {
        PathResource.checkPaging(page, size);
        List<ObjectNode> items = workflows.page(page, size).stream().map(PathViews::workflow).toList();
        return PathViews.page(items, page, size, workflows.count());
    }
}
