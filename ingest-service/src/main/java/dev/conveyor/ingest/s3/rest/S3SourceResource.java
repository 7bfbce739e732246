package dev.conveyor.ingest.s3.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.conveyor.ingest.pulled.service.PulledSourceService;
import dev.conveyor.ingest.s3.service.S3SourceReader;
import dev.conveyor.ingest.s3.service.S3SourceReader.PullResult;
import dev.conveyor.ingest.s3.service.S3SourceDefinition;
import dev.conveyor.ingest.s3.service.S3SourceView;

/**
 * S3 sources: define one (endpoint, bucket, prefix, format, credentials reference, optional
 * schedule), look at it, pull it now. Its rows land in source {@code s3://bucket/prefix}.
 */
@Path("/s3-sources")
@Produces(MediaType.APPLICATION_JSON)
public class S3SourceResource {

    private final PulledSourceService pulledSources;
    private final S3SourceReader reader;

    public S3SourceResource(PulledSourceService pulledSources, S3SourceReader reader) {
        this.pulledSources = pulledSources;
        this.reader = reader;
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public S3SourceView define(@PathParam("name") String name, S3SourceDefinition definition) {
        return pulledSources.define(reader, name, definition);
    }

    @GET
    @Path("/{name}")
    public S3SourceView get(@PathParam("name") String name) {
        return pulledSources.get(reader, name);
    }

    @POST
    @Path("/{name}/pull")
    public PullResult pull(@PathParam("name") String name) {
        return pulledSources.pullNow(reader, name);
    }
}
