package dev.conveyor.orchestrator.client;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;

/** Looks sources up in ingest-service; an unknown source is empty, an unreachable service a 503. */
@ApplicationScoped
public class SourceCatalogue {

    private final IngestClient ingest;

    public SourceCatalogue(@RestClient IngestClient ingest) {
        this.ingest = ingest;
    }

    public Optional<SourceProfile> find(String source) {
        try {
            return Optional.of(ingest.source(source));
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return Optional.empty();
            }
            throw unavailable(e);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private static ProblemException unavailable(Exception e) {
        return new ProblemException(Problem.of(503, "Source catalogue unavailable",
                "ingest-service did not answer a source lookup: " + e.getMessage()));
    }
}
