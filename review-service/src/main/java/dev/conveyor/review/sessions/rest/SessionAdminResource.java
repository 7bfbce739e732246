package dev.conveyor.review.sessions.rest;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.conveyor.review.sessions.messaging.SessionRebuilder;

/** Operations on the sessions' view; only for tokens in the {@code conveyor-admin} group. */
@Path("/admin/review-sessions")
@RolesAllowed("conveyor-admin")
@Produces(MediaType.APPLICATION_JSON)
public class SessionAdminResource {

    private final SessionRebuilder rebuilder;

    public SessionAdminResource(SessionRebuilder rebuilder) {
        this.rebuilder = rebuilder;
    }

    /** Replaces the PostgreSQL view and log with what conveyor.review-session-events holds. */
    @POST
    @Path("/rebuild")
    public Map<String, Integer> rebuild() {
        return Map.of("sessions", rebuilder.rebuildAll());
    }
}
