package dev.conveyor.review.paths.rest;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.conveyor.review.paths.service.PathRebuildService;

/** Operations on the Path view: recreate it from conveyor.path-events. */
@Path("/admin/paths")
@Produces(MediaType.APPLICATION_JSON)
public class PathAdminResource {

    private final PathRebuildService rebuild;

    public PathAdminResource(PathRebuildService rebuild) {
        this.rebuild = rebuild;
    }

    @POST
    @Path("/rebuild")
    public PathRebuildService.Rebuilt rebuild() {
        return rebuild.rebuild();
    }
}
