package dev.conveyor.ingest.jdbc.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.conveyor.ingest.jdbc.service.JdbcSourceReader;
import dev.conveyor.ingest.jdbc.service.JdbcSourceReader.PullResult;
import dev.conveyor.ingest.jdbc.service.JdbcSourceDefinition;
import dev.conveyor.ingest.jdbc.service.JdbcSourceView;
import dev.conveyor.ingest.pulled.service.PulledSourceService;

/**
 * JDBC sources: define one (URL, credentials reference, table or query, incremental column,
 * optional schedule), look at it, pull it now. Its rows land in source {@code jdbc:<name>}.
 */
@Path("/jdbc-sources")
@Produces(MediaType.APPLICATION_JSON)
public class JdbcSourceResource {

    private final PulledSourceService pulledSources;
    private final JdbcSourceReader reader;

    public JdbcSourceResource(PulledSourceService pulledSources, JdbcSourceReader reader) {
        this.pulledSources = pulledSources;
        this.reader = reader;
    }

    @PUT
    @Path("/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JdbcSourceView define(@PathParam("name") String name, JdbcSourceDefinition definition) {
        return pulledSources.define(reader, name, definition);
    }

    @GET
    @Path("/{name}")
    public JdbcSourceView get(@PathParam("name") String name) {
        return pulledSources.get(reader, name);
    }

    @POST
    @Path("/{name}/pull")
    public PullResult pull(@PathParam("name") String name) {
        return pulledSources.pullNow(reader, name);
    }
}
