package dev.conveyor.review.paths.rest;

import java.util.List;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.common.rest.ProblemMappers;
import dev.conveyor.review.paths.PathRuleException;
import dev.conveyor.review.paths.service.VersionConflictException;

/** Path errors as problem documents: 400 naming the field, 404, 409 naming the status, 412/428 on If-Match. */
public final class PathProblems {

    private PathProblems() {
    }

    static ProblemException preconditionRequired() {
        return new ProblemException(new Problem("about:blank", "Precondition required", 428,
                "If-Match: writes to a Path carry its version as read (the ETag of GET /paths/{id})",
                List.of(new Problem.FieldError("If-Match", "required"))));
    }

    static ProblemException badIfMatch(String value) {
        return ProblemException.badRequest("If-Match", "must be the Path's ETag, e.g. \"3\"; got " + value);
    }

    @Provider
    public static class RuleMapper implements ExceptionMapper<PathRuleException> {
        @Override
        public Response toResponse(PathRuleException e) {
            List<Problem.FieldError> fields = e.violations().stream()
                    .map(v -> new Problem.FieldError(v.field(), v.message())).toList();
            Problem problem = switch (e.kind()) {
                case INVALID -> Problem.badRequest(fields);
                case NOT_FOUND -> new Problem("about:blank", "Not found", 404, e.getMessage(), fields);
                case CONFLICT -> new Problem("about:blank", "Conflict with the Path's status", 409, e.getMessage(),
                        List.of());
            };
            return ProblemMappers.toResponse(problem);
        }
    }

    @Provider
    public static class VersionMapper implements ExceptionMapper<VersionConflictException> {
        @Override
        public Response toResponse(VersionConflictException e) {
            Response problem = ProblemMappers.toResponse(new Problem("about:blank", "Precondition failed", 412,
                    e.getMessage(), List.of(new Problem.FieldError("If-Match", "the Path is at version "
                            + e.current()))));
            return Response.fromResponse(problem).tag(PathViews.etag(e.current())).build();
        }
    }
}
