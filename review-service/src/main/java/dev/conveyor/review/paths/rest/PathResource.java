package dev.conveyor.review.paths.rest;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.review.paths.AiStepRequest;
import dev.conveyor.review.paths.Path;
import dev.conveyor.review.paths.PathRecords;
import dev.conveyor.review.paths.PathStatus;
import dev.conveyor.review.paths.PathStep;
import dev.conveyor.review.paths.service.PathService;

/**
 * Research Paths (seed 002). Reads answer with the Path's {@code ETag}; every write carries it back
 * in {@code If-Match} (428 without it, 412 when the Path moved on).
 */
@jakarta.ws.rs.Path("/paths")
@Produces(MediaType.APPLICATION_JSON)
public class PathResource {

    private final PathService paths;
    private final PathJsonCache json = new PathJsonCache();

    public PathResource(PathService paths) {
        this.paths = paths;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response start(JsonNode body) {
        JsonNode workflowId = body == null ? null : body.get("workflow_id");
        if (workflowId == null || !workflowId.isTextual()) {
            throw ProblemException.badRequest("workflow_id", "must name a registered workflow of protocols");
        }
        uuid("workflow_id", workflowId.asText(), false);
        Path path = paths.start(workflowId.asText());
        return Response.created(URI.create("/paths/" + path.id())).tag(PathViews.etag(path.version()))
                .entity(PathViews.path(path)).build();
    }

    @GET
    public ObjectNode list(@QueryParam("status") String status, @QueryParam("workflow_id") String workflowId,
            @QueryParam("page") @DefaultValue("0") int page, @QueryParam("size") @DefaultValue("50") int size) {
        checkPaging(page, size);
        PathStatus byStatus = status == null || status.isBlank() ? null : PathStatus.fromWire(status)
                .orElseThrow(() -> ProblemException.badRequest("status", "not a path_status: " + status));
        String byWorkflow = workflowId == null || workflowId.isBlank() ? null : workflowId;
        if (byWorkflow != null) {
            uuid("workflow_id", byWorkflow, false);
        }
        List<ObjectNode> items = paths.page(byStatus, byWorkflow, page, size).stream().map(PathViews::summary)
                .toList();
        return PathViews.page(items, page, size, paths.count(byStatus, byWorkflow));
    }

    @GET
    @jakarta.ws.rs.Path("/{id}")
    public Response get(@PathParam("id") String id) {
        Path path = load(id);
        return Response.ok(PathViews.path(path)).tag(PathViews.etag(path.version())).build();
    }

    @POST
    @jakarta.ws.rs.Path("/{id}/steps")
    @Consumes(MediaType.APPLICATION_JSON)
    public RestResponse<byte[]> append(@PathParam("id") String id,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, JsonNode step) {
        Long expected = PathViews.expectedVersion(ifMatch);
        Path path = paths.append(id, expected, step);
        PathStep added = path.lastStep().orElseThrow();
        // bytes with a type known at build time: the writer is chosen once, not negotiated per request;
        // Location as a relative reference (RFC 9110), not resolved against the request's URI each time
        return RestResponse.ResponseBuilder.<byte[]>create(RestResponse.Status.CREATED)
                .header(HttpHeaders.LOCATION, "/paths/" + id + "/steps/" + added.position())
                .tag(PathViews.etag(path.version())).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(json.path(path)).build();
    }

    /**
     * A person's version of a step: {@code {"data": {...}}} or the whole step with the same kind and
     * path_index. The step becomes mode user; an AI original is kept.
     */
    @PUT
    @jakarta.ws.rs.Path("/{id}/steps/{position}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response edit(@PathParam("id") String id, @PathParam("position") int position,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch, JsonNode body) {
        Long expected = PathViews.expectedVersion(ifMatch);
        Path path = paths.edit(id, expected, position, body);
        return Response.ok(PathViews.path(path)).tag(PathViews.etag(path.version())).build();
    }

    @POST
    @jakarta.ws.rs.Path("/{id}/confirm-ending")
    public Response confirmEnding(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        Long expected = PathViews.expectedVersion(ifMatch);
        Path path = paths.confirmEnding(id, expected);
        return Response.ok(PathViews.path(path)).tag(PathViews.etag(path.version())).build();
    }

    @POST
    @jakarta.ws.rs.Path("/{id}/ai-step")
    public Response requestAiStep(@PathParam("id") String id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        Long expected = PathViews.expectedVersion(ifMatch);
        AiStepRequest request = paths.requestAiStep(id, expected);
        Path path = load(id);
        return Response.accepted(PathViews.aiRequest(path, request))
                .location(URI.create("/paths/" + id + "/ai-requests/" + request.requestId()))
                .tag(PathViews.etag(path.version())).build();
    }

    @GET
    @jakarta.ws.rs.Path("/{id}/ai-requests/{requestId}")
    public ObjectNode aiRequest(@PathParam("id") String id, @PathParam("requestId") String requestId) {
        Path path = load(id);
        return path.aiRequest(requestId).map(r -> PathViews.aiRequest(path, r))
                .orElseThrow(() -> ProblemException.notFound("request_id", "Path " + id + " has no AI request "
                        + requestId));
    }

    /** Publishes a pending request's task again, e.g. after it was lost; the answer still applies once. */
    @POST
    @jakarta.ws.rs.Path("/{id}/ai-requests/{requestId}/resend")
    public Response resendAiRequest(@PathParam("id") String id, @PathParam("requestId") String requestId) {
        AiStepRequest request = paths.resendAiRequest(id, requestId);
        return Response.accepted(PathViews.aiRequest(load(id), request))
                .location(URI.create("/paths/" + id + "/ai-requests/" + requestId)).build();
    }

    @GET
    @jakarta.ws.rs.Path("/{id}/feedback")
    public ObjectNode feedback(@PathParam("id") String id) {
        return PathViews.feedback(load(id));
    }

    @GET
    @jakarta.ws.rs.Path("/{id}/record")
    public Response record(@PathParam("id") String id) {
        Path path = load(id);
        return Response.ok(PathRecords.record(path, paths.workflowOf(path))).tag(PathViews.etag(path.version()))
                .build();
    }

    /**
     * Deletes a record reference (by record_id or airalogy_record_id) from its record_protocol step.
     * Without {@code confirm=true} nothing changes: the answer lists what would be removed.
     */
    @DELETE
    @jakarta.ws.rs.Path("/{id}/records/{recordId}")
    public Response deleteRecordReference(@PathParam("id") String id, @PathParam("recordId") String recordId,
            @QueryParam("confirm") @DefaultValue("false") boolean confirm,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        Path path = load(id);
        List<PathStep> referencing = paths.stepsReferencing(path, recordId);
        if (referencing.isEmpty()) {
            throw ProblemException.notFound("record_id", "no record_protocol step of Path " + id
                    + " references record " + recordId);
        }
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        ArrayNode affected = answer.putArray(confirm ? "removed" : "would_remove");
        referencing.forEach(s -> affected.addObject().put("position", s.position()).put("path_index", s.pathIndex())
                .set("data", s.data()));
        if (!confirm) {
            answer.put("confirmed", false);
            answer.put("detail", "Deleting the record also deletes its id from these record_protocol steps; they "
                    + "will show the reference as empty. Repeat with confirm=true (and If-Match) to delete.");
            return Response.ok(answer).tag(PathViews.etag(path.version())).build();
        }
        Long expected = PathViews.expectedVersion(ifMatch);
        Path after = paths.removeRecordReference(id, expected, recordId);
        answer.put("confirmed", true);
        answer.set("path", PathViews.path(after));
        return Response.ok(answer).tag(PathViews.etag(after.version())).build();
    }

    private Path load(String id) {
        return uuid("id", id, true).flatMap(paths::find)
                .orElseThrow(() -> ProblemException.notFound("id", "no Path " + id));
    }

    /** A path or query parameter that must be a UUID; an id that cannot exist is simply not found. */
    static Optional<String> uuid(String field, String value, boolean notFoundWhenMalformed) {
        try {
            if (value != null && value.length() == 36) {
                UUID.fromString(value);
                return Optional.of(value);
            }
        } catch (IllegalArgumentException e) {
            // falls through
        }
        if (notFoundWhenMalformed) {
            return Optional.empty();
        }
        throw ProblemException.badRequest(field, "must be a UUID, got " + value);
    }

    static void checkPaging(int page, int size) {
        if (page < 0) {
            throw ProblemException.badRequest("page", "must be >= 0");
        }
        if (size < 1 || size > 500) {
            throw ProblemException.badRequest("size", "must be between 1 and 500");
        }
    }
}
