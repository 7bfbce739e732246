package dev.conveyor.ingest.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.Paged;
import dev.conveyor.ingest.SourceRow;
import dev.conveyor.ingest.SourceSummary;
import dev.conveyor.ingest.UploadReceipt;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.service.CsvRowReader;
import dev.conveyor.ingest.service.IdempotencyService;
import dev.conveyor.ingest.service.IngestService;
import dev.conveyor.ingest.service.NdjsonRowReader;
import dev.conveyor.ingest.service.RejectMode;
import dev.conveyor.ingest.service.RowReader;
import dev.conveyor.ingest.service.UnreadableUploadException;
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
    /** Where rows posted here come from, as {@code source_data.origin} records it. */
    static final String ORIGIN = "rest";

    public static final String NDJSON = "application/x-ndjson";
    public static final String CSV = "text/csv";

    private final IngestService ingest;
    private final SourceCatalogueService catalogue;
    private final IdempotencyService idempotency;
    private final IngestConfig config;
    private final ObjectMapper json;

    public SourceResource(IngestService ingest, SourceCatalogueService catalogue, IdempotencyService idempotency,
            IngestConfig config, ObjectMapper json) {
        this.ingest = ingest;
        this.catalogue = catalogue;
        this.idempotency = idempotency;
        this.config = config;
        this.json = json;
    }

    /** A JSON array of row objects, checked whole and stored whole (at most {@code max-batch-rows}). */
    @POST
    @Path("/{source: .+}/rows")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response ingest(@PathParam("source") String source,
            @HeaderParam(IdempotencyService.HEADER) String idempotencyKey, InputStream body) throws IOException {
        JsonNode tree;
        try (InputStream limited = new LimitedInputStream(body, config.maxJsonBodyBytes())) {
            tree = json.readTree(limited);
        } catch (LimitedInputStream.BodyTooLargeException e) {
            throw tooLarge(e, "A JSON array body may hold at most " + config.maxJsonBodyBytes()
                    + " bytes; send larger sets as NDJSON or CSV (streamed)");
        }
        List<Map<String, String>> rows = RowBatchParser.parse(source, tree, config.maxBatchRows());
        return answer(idempotency.once(idempotencyKey, "POST /sources/" + source + "/rows json",
                () -> new IdempotencyService.Answer(201, write(ingest.ingest(source, rows, ORIGIN)), false)));
    }

    /** NDJSON, streamed: one JSON object per line. */
    @POST
    @Path("/{source: .+}/rows")
    @Consumes(NDJSON)
    public Response ingestNdjson(@PathParam("source") String source, @QueryParam("reject") String reject,
            @HeaderParam(IdempotencyService.HEADER) String idempotencyKey,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) {
        return upload(source, reject, idempotencyKey, contentType, "ndjson",
                in -> new NdjsonRowReader(in, config.maxLineBytes()), body);
    }

    /** CSV with a header row, streamed. */
    @POST
    @Path("/{source: .+}/rows")
    @Consumes(CSV)
    public Response ingestCsv(@PathParam("source") String source, @QueryParam("reject") String reject,
            @HeaderParam(IdempotencyService.HEADER) String idempotencyKey,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, InputStream body) {
        return upload(source, reject, idempotencyKey, contentType, "csv",
                in -> new CsvRowReader(in, config.maxLineBytes()), body);
    }

    private Response upload(String source, String reject, String idempotencyKey, String contentType, String format,
            Function<InputStream, RowReader> readerOf, InputStream body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (!RowBatchParser.isValidSourceName(source)) {
            errors.add(new Problem.FieldError("source", "must match " + RowBatchParser.SOURCE_NAME.pattern()));
        }
        RejectMode mode = RejectMode.parse(reject);
        if (mode == null) {
            errors.add(new Problem.FieldError("reject", "must be 'file' (a bad line rejects the upload, the default) "
                    + "or 'line' (a bad line rejects only itself)"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        String charset = MediaType.valueOf(contentType).getParameters().get("charset");
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            throw new ProblemException(new Problem(null, "Unsupported charset", 415,
                    "Uploads are read as UTF-8", List.of(new Problem.FieldError("Content-Type",
                            "charset must be utf-8, got " + charset))));
        }
        String request = "POST /sources/" + source + "/rows " + format + " reject=" + mode.name().toLowerCase();
        try (InputStream limited = new LimitedInputStream(body, config.maxUploadBytes())) {
            return answer(idempotency.once(idempotencyKey, request, () -> {
                UploadReceipt receipt = ingest.ingestStream(source, readerOf.apply(limited), mode, ORIGIN);
                return new IdempotencyService.Answer(201, write(receipt), false);
            }));
        } catch (UnreadableUploadException e) {
            throw new ProblemException(new Problem(null, "Unreadable upload", 400,
                    "The upload could not be read to the end; nothing was stored: " + e.getMessage(),
                    List.of(new Problem.FieldError("line " + e.line(), e.getMessage()))));
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof LimitedInputStream.BodyTooLargeException tooLarge) {
                throw tooLarge(tooLarge, "An upload may hold at most " + config.maxUploadBytes() + " bytes");
            }
            throw new ProblemException(Problem.of(400, "Upload interrupted",
                    "The upload could not be read; nothing was stored: " + e.getCause().getMessage()));
        } catch (IOException e) {
            throw new ProblemException(Problem.of(400, "Upload interrupted",
                    "The upload could not be read; nothing was stored: " + e.getMessage()));
        }
    }

    private static ProblemException tooLarge(IOException e, String detail) {
        return new ProblemException(new Problem(null, "Request body too large", 413, detail + "; nothing was stored.",
                List.of(new Problem.FieldError("body", e.getMessage()))));
    }

    private Response answer(IdempotencyService.Answer answer) {
        Response.ResponseBuilder response = Response.status(answer.status()).type(MediaType.APPLICATION_JSON)
                .entity(answer.json());
        if (answer.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.build();
    }

    private String write(Object receipt) {
        try {
            return json.writeValueAsString(receipt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the receipt", e);
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
