package dev.conveyor.review.sessions.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemMappers;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/**
 * Security and body errors as problem documents: a missing or invalid bearer token answers 401
 * naming the Authorization header.
 */
public final class SecurityProblemMappers {

    private SecurityProblemMappers() {
    }

    static Response unauthorized(String message) {
        return Response.fromResponse(ProblemMappers.toResponse(new Problem("about:blank", "Unauthorized", 401,
                "Authorization: " + message, java.util.List.of(new Problem.FieldError("Authorization", message)))))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @Provider
    public static class Unauthorized implements ExceptionMapper<UnauthorizedException> {
        @Override
        public Response toResponse(UnauthorizedException e) {
            return unauthorized("a valid bearer token is required");
        }
    }

    @Provider
    public static class AuthenticationFailed implements ExceptionMapper<AuthenticationFailedException> {
        @Override
        public Response toResponse(AuthenticationFailedException e) {
            return unauthorized("the bearer token is not valid");
        }
    }

    /**
     * Quarkus maps a refused property with its own, more specific mapper (plain JSON); this keeps
     * it a problem document naming the property.
     */
    @Provider
    public static class UnknownProperty implements ExceptionMapper<UnrecognizedPropertyException> {
        @Override
        public Response toResponse(UnrecognizedPropertyException e) {
            return new ProblemMappers.JsonMapper().toResponse(e);
        }
    }

    @Provider
    public static class Forbidden implements ExceptionMapper<ForbiddenException> {
        @Override
        public Response toResponse(ForbiddenException e) {
            return ProblemMappers.toResponse(new Problem("about:blank", "Forbidden", 403,
                    "Authorization: not allowed", java.util.List.of(new Problem.FieldError("Authorization",
                            "not allowed"))));
        }
    }
}
