package dev.conveyor.orchestrator.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** ingest-service's source catalogue (config key {@code quarkus.rest-client.ingest.url}). */
@RegisterRestClient(configKey = "ingest")
@Path("/sources")
public interface IngestClient {

    @GET
    @Path("/{source}")
    SourceProfile source(@PathParam("source") String source);
}
