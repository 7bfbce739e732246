package dev.conveyor.review.sessions.service;

import java.util.List;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;

/** The problem documents of the sessions API, each naming the field at fault. */
public final class SessionProblems {

    private SessionProblems() {
    }

    public static ProblemException badRequest(String field, String message) {
        return ProblemException.badRequest(field, message);
    }

    /** Also what a user gets for a session they may not see: its existence is not revealed. */
    public static ProblemException notFound(String field, String message) {
        return ProblemException.notFound(field, message);
    }

    public static ProblemException forbidden(String field, String message) {
        return of(403, "Forbidden", field, message);
    }

    public static ProblemException conflict(String field, String message) {
        return of(409, "Conflict", field, message);
    }

    public static ProblemException preconditionFailed(String field, String message) {
        return of(412, "Precondition Failed", field, message);
    }

    public static ProblemException unavailable(String field, String message) {
        return of(503, "Service Unavailable", field, message);
    }

    private static ProblemException of(int status, String title, String field, String message) {
        return new ProblemException(new Problem("about:blank", title, status, field + ": " + message,
                List.of(new Problem.FieldError(field, message))));
    }
}
