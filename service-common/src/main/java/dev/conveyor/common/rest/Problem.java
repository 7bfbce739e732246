package dev.conveyor.common.rest;

import java.util.List;

/**
 * An RFC 9457 problem document, served as {@code application/problem+json}. {@code errors}
 * names each offending field of the request.
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One offending field: a JSON path into the request body, or a path or query parameter. */
    public record FieldError(String field, String message) {
    }

    public static Problem badRequest(List<FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new Problem("about:blank", "Invalid request", 400, detail, List.copyOf(errors));
    }

    public static Problem badRequest(String field, String message) {
        return badRequest(List.of(new FieldError(field, message)));
    }

    public static Problem notFound(String field, String message) {
        return new Problem("about:blank", "Not found", 404, field + ": " + message,
                List.of(new FieldError(field, message)));
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, List.of());
    }
}
