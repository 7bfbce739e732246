package dev.conveyor.ingest.s3.rest;

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
import dev.conveyor.ingest.s3.service.S3PullService;
import dev.conveyor.ingest.s3.service.S3PullService.PullFailedException;
import dev.conveyor.ingest.s3.service.S3PullService.PullResult;
import dev.conveyor.ingest.s3.service.S3SourceDefinition;
import dev.conveyor.ingest.s3.service.S3SourceView;

/**
 * S3 sources: define one (endpoint, bucket, prefix, format, credentials reference, optional
 * schedule), look at it, pull it now. Its rows land in source {@code s3://bucket/prefix}.
 */
@Path("/s3-sources")
@Produces(MediaType.APPLICATION_JSON)
public class S3SourceResource {

    private final S3PullService pulls;

    public S3SourceResource(S3PullService pulls) {
        this.pulls = pulls;
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public S3SourceView define(@PathParam("name") String name, S3SourceDefinition definition) {
        if (definition == null) {
            throw ProblemException.badRequest("body", "a JSON object defining the source is required");
        }
        return pulls.define(name, definition);
    }

    @GET
    @Path("/{name}")
    public S3SourceView get(@PathParam("name") String name) {
        return pulls.find(name).orElseThrow(() -> ProblemException.notFound("name", "no S3 source named '" + name + "'"));
    }

    @POST
    @Path("/{name}/pull")
    public PullResult pull(@PathParam("name") String name) {
        try {
            return pulls.pull(name);
        } catch (PullFailedException e) {
            throw new ProblemException(Problem.of(502, "S3 source failed", e.getMessage()));
        }
    }
}
