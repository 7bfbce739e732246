package dev.conveyor.review.sessions.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.SessionJson;
import dev.conveyor.review.sessions.service.ImportedFilterService;
import dev.conveyor.review.sessions.service.SessionProblems;
import io.quarkus.security.Authenticated;

/**
 * A session's filters set by hand ({@code source: manual}); recovered filters come from the
 * Superset link's intake. Same rules as every session change: {@code If-Match} in, the session
 * with its version as {@code ETag} out.
 */
@Path("/review-sessions/{id}/filters")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SessionFilterResource {

    private final JsonWebToken jwt;
    private final ImportedFilterService filters;

    public SessionFilterResource(JsonWebToken jwt, ImportedFilterService filters) {
        this.jwt = jwt;
        this.filters = filters;
    }

    @POST
    public Response add(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
            SessionRequests.ManualFilter req) {
        return ok(filters.add(id, user(), ReviewSessionResource.version(ifMatch), req));
    }

    @PUT
    @Path("/{filterId}")
    public Response edit(@PathParam("id") String id, @PathParam("filterId") String filterId,
            @HeaderParam("If-Match") String ifMatch, SessionRequests.ManualFilter req) {
        return ok(filters.edit(id, user(), ReviewSessionResource.version(ifMatch), filterId, req));
    }

    @DELETE
    @Path("/{filterId}")
    public Response remove(@PathParam("id") String id, @PathParam("filterId") String filterId,
            @HeaderParam("If-Match") String ifMatch) {
        return ok(filters.remove(id, user(), ReviewSessionResource.version(ifMatch), filterId));
    }

    private String user() {
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw SessionProblems.badRequest("Authorization", "the bearer token has no subject");
        }
        return subject;
    }

    private static Response ok(DatasetReviewSession s) {
        return Response.ok().tag(new EntityTag(Long.toString(s.version))).entity(SessionJson.write(s))
                .type(MediaType.APPLICATION_JSON).build();
    }
}
