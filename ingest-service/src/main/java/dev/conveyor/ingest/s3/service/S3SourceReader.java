package dev.conveyor.ingest.s3.service;

import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.UploadReceipt;
import dev.conveyor.ingest.config.IngestConfig;
import dev.conveyor.ingest.pulled.service.Credentials;
import dev.conveyor.ingest.pulled.service.PullFailedException;
import dev.conveyor.ingest.pulled.service.PulledSourceService;
import dev.conveyor.ingest.pulled.service.SourceReader;
import dev.conveyor.ingest.s3.repository.S3SourceEntity;
import dev.conveyor.ingest.s3.repository.S3SourceRepository;
import dev.conveyor.ingest.service.CsvRowReader;
import dev.conveyor.ingest.service.IngestService;
import dev.conveyor.ingest.service.NdjsonRowReader;
import dev.conveyor.ingest.service.RejectMode;
import dev.conveyor.ingest.service.RowReader;
import dev.conveyor.ingest.service.UnreadableUploadException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Pulls CSV and NDJSON objects from S3-compatible stores (AWS SDK v2; endpoint override and
 * path-style access for MinIO, Ceph, s3rver…). Each object version (key and ETag) is taken once:
 * its rows, their outbox entries and the record of the import commit together, so a pull that
 * dies half-way resumes with the objects it had not finished. A bad object (not CSV, broken
 * encoding, a bad line with {@code reject=file}) is recorded with the reason and does not stop
 * the others; a new version of it (new ETag) is taken again.
 */
@ApplicationScoped
public class S3SourceReader
        implements SourceReader<S3SourceEntity, S3SourceDefinition, S3SourceView, S3SourceReader.PullResult> {

    private static final int PULL_TIMEOUT_SECONDS = 3600;

    /** An object that was not taken, and why. */
    public record RejectedObject(String key, String reason) {
    }

    /** The outcome of a pull. */
    public record PullResult(String name, long objectsImported, long rowsImported, long linesRejected,
            List<RejectedObject> objectsRejected) {
    }

    private final S3SourceRepository sources;
    private final IngestService ingest;
    private final PulledSourceService pulledSources;
    private final IngestConfig config;
    private final Config settings;

    public S3SourceReader(S3SourceRepository sources, IngestService ingest, PulledSourceService pulledSources,
            IngestConfig config, Config settings) {
        this.sources = sources;
        this.ingest = ingest;
        this.pulledSources = pulledSources;
        this.config = config;
        this.settings = settings;
    }

    public static String sourceConnection(String bucket, String prefix) {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public String kind() {
        return "S3";
    }

    @Override
    public S3SourceRepository sources() {
        return sources;
    }

    @Override
    public S3SourceEntity newSource() {
        return new S3SourceEntity();
    }

    @Override
    public void apply(String name, S3SourceDefinition definition, S3SourceEntity entity) {
        S3SourceDefinition.Checked checked = definition.check(name);
        entity.endpoint = checked.endpoint();
        entity.region = checked.region();
        entity.bucket = checked.bucket();
        entity.prefix = checked.prefix();
        entity.format = checked.format();
        entity.credentials = checked.credentials();
        entity.pathStyle = checked.pathStyle();
        entity.reject = checked.reject();
        entity.pullEverySeconds = checked.pullEverySeconds();
    }

    @Override
    public S3SourceView view(S3SourceEntity source) {
        return S3SourceView.of(source);
    }

    /** Every object under the prefix not taken yet. */
    @Override
    public PullResult pull(String name) {
        return pullObjects(name);
    }

    @Override
    public String summary(PullResult result) {
        return result.objectsImported() > 0 || !result.objectsRejected().isEmpty()
                ? result.objectsImported() + " objects (" + result.rowsImported() + " rows) imported, rejected: "
                        + result.objectsRejected()
                : null;
    }

    @Scheduled(every = "${conveyor.s3-sources.scheduler-tick:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "5s")
    void pullDue() {
        pulledSources.pullDue(this);
    }

    private PullResult pullObjects(String name) {
        S3SourceEntity source = QuarkusTransaction.requiringNew().call(() -> sources.findByIdOptional(name))
                .orElseThrow();
        String sourceConnection = sourceConnection(source.bucket, source.prefix);
        RejectMode mode = RejectMode.parse(source.reject);
        long objects = 0;
        long rows = 0;
        long linesRejected = 0;
        List<RejectedObject> rejected = new ArrayList<>();
        try (S3Client s3 = client(source)) {
            ListObjectsV2Request list = ListObjectsV2Request.builder().bucket(source.bucket).prefix(source.prefix).build();
            for (S3Object object : s3.listObjectsV2Paginator(list).contents()) {
                if (object.key().endsWith("/")) {
                    continue;
                }
                String etag = object.eTag() == null ? "" : object.eTag().replace("\"", "");
                String key = object.key();
                String format = source.format != null ? source.format : formatOf(key);
                String error;
                try {
                    UploadReceipt receipt = QuarkusTransaction.requiringNew().timeout(PULL_TIMEOUT_SECONDS)
                            .call(() -> importObject(s3, source, sourceConnection, key, etag, format, mode));
                    if (receipt == null) {
                        continue; // this version was taken before
                    }
                    objects++;
                    rows += receipt.accepted();
                    linesRejected += receipt.rejected();
                    continue;
                } catch (RuntimeException thrown) {
                    Throwable e = thrown instanceof io.quarkus.narayana.jta.QuarkusTransactionException
                            && thrown.getCause() != null ? thrown.getCause() : thrown;
                    if (e instanceof UnreadableUploadException unreadable) {
                        error = "not readable as " + format + " at line " + unreadable.line() + ": " + e.getMessage();
                    } else if (e instanceof ProblemException bad) {
                        Problem problem = bad.problem();
                        String lines = problem.errors() == null ? "" : problem.errors().stream().limit(5)
                                .map(f -> f.field() + ": " + f.message()).reduce((x, y) -> x + "; " + y).orElse("");
                        error = problem.detail() + (lines.isEmpty() ? "" : " (" + lines + ")");
                    } else if (e instanceof NotTakenException) {
                        error = e.getMessage();
                    } else {
                        throw thrown;
                    }
                }
                String reason = error;
                boolean recorded = QuarkusTransaction.requiringNew().call(() -> {
                    sources.lock(source.name);
                    if (sources.imported(source.name, key, etag)) {
                        return false;
                    }
                    sources.recordImport(source.name, key, etag, 0, 0, reason);
                    return true;
                });
                if (recorded) {
                    rejected.add(new RejectedObject(key, reason));
                }
            }
        } catch (SdkException e) {
            throw new PullFailedException("the S3 store refused the pull: " + e.getMessage());
        }
        QuarkusTransaction.requiringNew().run(() -> sources.findByIdOptional(name).ifPresent(s -> {
            s.lastPulledAt = Instant.now();
            s.lastError = null;
        }));
        return new PullResult(name, objects, rows, linesRejected, rejected);
    }

    /** An object this source cannot read at all. */
    private static final class NotTakenException extends RuntimeException {
        NotTakenException(String message) {
            super(message);
        }
    }

    /**
     * Takes one object version in the current transaction, holding the source's row so that
     * concurrent pulls take each version once.
     *
     * @return the receipt, or null when this version was taken before
     */
    private UploadReceipt importObject(S3Client s3, S3SourceEntity definition, String sourceConnection, String key,
            String etag, String format, RejectMode mode) {
        S3SourceEntity source = sources.lock(definition.name).orElseThrow();
        if (sources.imported(source.name, key, etag)) {
            return null;
        }
        if (format == null) {
            throw new NotTakenException("neither .csv nor .ndjson/.jsonl: set the source's format to read it");
        }
        try (InputStream in = s3.getObject(GetObjectRequest.builder().bucket(source.bucket).key(key).build())) {
            RowReader reader = format.equals("csv") ? new CsvRowReader(in, config.maxLineBytes())
                    : new NdjsonRowReader(in, config.maxLineBytes());
            UploadReceipt receipt = ingest.ingestStream(sourceConnection, reader, mode, sourceConnection);
            sources.recordImport(source.name, key, etag, receipt.accepted(), receipt.rejected(), null);
            source.objectsImported++;
            source.rowsImported += receipt.accepted();
            return receipt;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new PullFailedException("reading object " + key + " failed: " + e.getMessage());
        }
    }

    private S3Client client(S3SourceEntity source) {
        Credentials credentials = Credentials.of(settings, source.credentials, true,
                "access key id and secret access key");
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .region(Region.of(source.region))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(credentials.username(), credentials.password().orElseThrow())))
                .forcePathStyle(source.pathStyle)
                // Only what S3 requires: S3-compatible stores do not all know the newer checksum headers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (source.endpoint != null) {
            builder.endpointOverride(URI.create(source.endpoint));
        }
        return builder.build();
    }

    private static String formatOf(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv")) {
            return "csv";
        }
        if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) {
            return "ndjson";
        }
        return null;
    }
}
