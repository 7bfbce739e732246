package dev.conveyor.ingest.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.IngestReceipt;
import dev.conveyor.ingest.Paged;
import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.SourceSummary;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.messaging.PublishException;
import dev.conveyor.ingest.service.IngestService;
import dev.conveyor.ingest.service.RowBatchParser;
import dev.conveyor.ingest.service.SourceCatalogueService;

/**
 * Sources and their rows. A source name may contain slashes ({@code s3://bucket/file.csv}), so
 * the {@code source} path parameter spans segments; send it URL-encoded or as it is.
 */
@Path("/sources")
@Produces(MediaType.APPLICATION_JSON)
public class SourceResource {

    static final int MAX_PAGE_SIZE = 500;

    private final IngestService ingest;
    private final SourceCatalogueService catalogue;
    private final IngestConfig config;

    public SourceResource(IngestService ingest, SourceCatalogueService catalogue, IngestConfig config) {
        this.ingest = ingest;
        this.catalogue = catalogue;
        this.config = config;
    }

    @POST
    @Path("/{source: .+}/rows")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response ingest(@PathParam("source") String source, JsonNode body) {
        List<Map<String, String>> rows = RowBatchParser.parse(source, body, config.maxBatchRows());
        try {
            IngestReceipt receipt = ingest.ingest(source, rows);
            return Response.status(Response.Status.CREATED).entity(receipt).build();
        } catch (PublishException e) {
            throw new ProblemException(e.tooLarge()
                    ? Problem.of(413, "Row too large for Kafka", "Kafka refused a row of the batch as too large; "
                            + "nothing was stored: " + e.getMessage())
                    : Problem.of(503, "Kafka unavailable", "The batch could not be published; nothing was stored. "
                            + "Retry later. " + e.getMessage()));
        }
    }

    @GET
    public Paged<SourceSummary> sources(@QueryParam("page") String page, @QueryParam("size") String size) {
        PageRequest request = PageRequest.parse(page, size);
        return catalogue.sources(request.page(), request.size());
    }

    @GET
    @Path("/{source: .+}/rows")
    public Paged<SourceRow> rows(@PathParam("source") String source, @QueryParam("page") String page,
            @QueryParam("size") String size) {
        PageRequest request = PageRequest.parse(page, size);
        if (catalogue.source(source).isEmpty()) {
            throw unknown(source);
        }
        return catalogue.rows(source, request.page(), request.size());
    }

    @GET
    @Path("/{source: .+}")
    public SourceSummary source(@PathParam("source") String source) {
        return catalogue.source(source).orElseThrow(() -> unknown(source));
    }

    private static ProblemException unknown(String source) {
        return ProblemException.notFound("source", "no rows have been ingested for source '" + source + "'");
    }

    /** {@code page} (from 0, default 0) and {@code size} (1..500, default 50), both checked before answering. */
    record PageRequest(int page, int size) {

        static PageRequest parse(String page, String size) {
            List<Problem.FieldError> errors = new ArrayList<>();
            int p = parseInt(page, 0, 0, Integer.MAX_VALUE, "page", errors);
            int s = parseInt(size, 50, 1, MAX_PAGE_SIZE, "size", errors);
            if (!errors.isEmpty()) {
                throw ProblemException.badRequest(errors);
            }
            return new PageRequest(p, s);
        }

        private static int parseInt(String text, int defaultValue, int min, int max, String field,
                List<Problem.FieldError> errors) {
            if (text == null || text.isBlank()) {
                return defaultValue;
            }
            try {
                int value = Integer.parseInt(text.trim());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            errors.add(new Problem.FieldError(field, max == Integer.MAX_VALUE
                    ? "must be a whole number from " + min
                    : "must be a whole number from " + min + " to " + max));
            return defaultValue;
        }
    }
}
