package dev.conveyor.ingest.s3.service;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.pulled.service.PullSchedule;
import dev.conveyor.ingest.service.RejectMode;

/**
 * What a user sends to define an S3 source (snake_case JSON), checked whole. Credentials are a
 * reference, so no secret passes through the API.
 */
public record S3SourceDefinition(String endpoint, String region, String bucket, String prefix, String format,
        String credentials, Boolean pathStyle, String reject, String pullEvery) {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    static final Pattern CREDENTIALS = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** A checked definition. */
    public record Checked(String endpoint, String region, String bucket, String prefix, String format,
            String credentials, boolean pathStyle, String reject, Long pullEverySeconds) {
    }

    public Checked check(String name) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (name == null || !NAME.matcher(name).matches()) {
            errors.add(new Problem.FieldError("name", "must match " + NAME.pattern()));
        }
        if (endpoint != null && !endpoint.isBlank()) {
            try {
                URI uri = URI.create(endpoint);
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                    errors.add(new Problem.FieldError("endpoint", "must be an http(s) URL, e.g. http://minio:9000"));
                } else if (uri.getUserInfo() != null) {
                    errors.add(new Problem.FieldError("endpoint", "must not carry credentials: use 'credentials'"));
                }
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError("endpoint", "must be an http(s) URL, e.g. http://minio:9000"));
            }
        }
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            errors.add(new Problem.FieldError("bucket", "an S3 bucket name is required"));
        }
        String fmt = format == null || format.isBlank() ? null : format.trim().toLowerCase(Locale.ROOT);
        if (fmt != null && !fmt.equals("csv") && !fmt.equals("ndjson")) {
            errors.add(new Problem.FieldError("format", "must be csv or ndjson (or left out: by the object's extension)"));
        }
        if (credentials == null || !CREDENTIALS.matcher(credentials).matches()) {
            errors.add(new Problem.FieldError("credentials", "a credentials reference matching " + CREDENTIALS.pattern()
                    + " is required (its access key and secret come from configuration or a Kubernetes Secret)"));
        }
        RejectMode mode = RejectMode.parse(reject);
        if (mode == null) {
            errors.add(new Problem.FieldError("reject", "must be 'file' (a bad line rejects the object) or 'line'"));
        }
        Long seconds = PullSchedule.seconds(pullEvery, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        return new Checked(endpoint == null || endpoint.isBlank() ? null : endpoint,
                region == null || region.isBlank() ? "us-east-1" : region, bucket, prefix == null ? "" : prefix, fmt,
                credentials, pathStyle != null ? pathStyle : endpoint != null && !endpoint.isBlank(),
                mode.name().toLowerCase(Locale.ROOT), seconds);
    }
}
