package dev.conveyor.ingest.jdbc.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.jdbc.service.JdbcPullService;
import dev.conveyor.ingest.jdbc.service.JdbcPullService.PullFailedException;
import dev.conveyor.ingest.jdbc.service.JdbcPullService.PullResult;
import dev.conveyor.ingest.jdbc.service.JdbcSourceDefinition;
import dev.conveyor.ingest.jdbc.service.JdbcSourceView;

/**
 * JDBC sources: define one (URL, credentials reference, table or query, incremental column,
 * optional schedule), look at it, pull it now. Its rows land in source {@code jdbc:<name>}.
 */
@Path("/jdbc-sources")
@Produces(MediaType.APPLICATION_JSON)
public class JdbcSourceResource {

    private final JdbcPullService pulls;

    public JdbcSourceResource(JdbcPullService pulls) {
        this.pulls = pulls;
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JdbcSourceView define(@PathParam("name") String name, JdbcSourceDefinition definition) {
        if (definition == null) {
            throw ProblemException.badRequest("body", "a JSON object defining the source is required");
        }
        return pulls.define(name, definition);
    }

    @GET
    @Path("/{name}")
    public JdbcSourceView get(@PathParam("name") String name) {
        return pulls.find(name).orElseThrow(() -> ProblemException.notFound("name",
                "no JDBC source named '" + name + "'"));
    }

    @POST
    @Path("/{name}/pull")
    public PullResult pull(@PathParam("name") String name) {
        try {
            return pulls.pull(name);
        } catch (PullFailedException e) {
            throw new ProblemException(Problem.of(502, "JDBC source failed", e.getMessage()));
        }
    }
}
