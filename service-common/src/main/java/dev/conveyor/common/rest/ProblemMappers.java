package dev.conveyor.common.rest;

import java.util.List;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns every error a resource can raise into {@code application/problem+json}. */
public final class ProblemMappers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProblemMappers() {
    }

    public static Response toResponse(Problem problem) {
        try {
            return Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                    .entity(JSON.writeValueAsString(problem)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a problem document", e);
        }
    }

    @Provider
    public static class ProblemExceptionMapper implements ExceptionMapper<ProblemException> {
        @Override
        public Response toResponse(ProblemException e) {
            return ProblemMappers.toResponse(e.problem());
        }
    }

    /** Malformed JSON, or JSON of the wrong shape: names the path where reading stopped. */
    @Provider
    public static class JsonMapper implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            String field = "body";
            if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
                field = mapping.getPath().stream()
                        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                        .collect(Collectors.joining(".")).replace(".[", "[");
            }
            return ProblemMappers.toResponse(Problem.badRequest(field, "malformed JSON: " + e.getOriginalMessage()));
        }
    }

    @Provider
    public static class ConstraintMapper implements ExceptionMapper<ConstraintViolationException> {
        @Override
        public Response toResponse(ConstraintViolationException e) {
            List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                    .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                    .sorted(java.util.Comparator.comparing(Problem.FieldError::field))
                    .toList();
            return ProblemMappers.toResponse(Problem.badRequest(errors));
        }

        /**
         * {@code create.request.model} becomes {@code model} (a field of the body);
         * {@code list.size} stays {@code size} (a query or path parameter).
         */
        private static String fieldOf(ConstraintViolation<?> violation) {
            List<Path.Node> nodes = new java.util.ArrayList<>();
            violation.getPropertyPath().forEach(nodes::add);
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                ElementKind kind = nodes.get(i).getKind();
                boolean bodyParameter = kind == ElementKind.PARAMETER && i < nodes.size() - 1;
                if (kind != ElementKind.METHOD && !bodyParameter) {
                    names.add(nodes.get(i).getName());
                }
            }
            return names.isEmpty() ? "body" : String.join(".", names);
        }
    }

    /** 404s, 405s and other JAX-RS errors keep their status, in the same format. */
    @Provider
    public static class WebApplicationMapper implements ExceptionMapper<WebApplicationException> {
        @Override
        public Response toResponse(WebApplicationException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof JsonProcessingException json) {
                    return new JsonMapper().toResponse(json);
                }
            }
            int status = e.getResponse().getStatus();
            String title = e.getResponse().getStatusInfo().getReasonPhrase();
            return ProblemMappers.toResponse(Problem.of(status, title, e.getMessage()));
        }
    }
}
