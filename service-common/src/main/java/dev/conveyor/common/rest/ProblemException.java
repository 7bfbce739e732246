package dev.conveyor.common.rest;

import java.util.List;

/** Thrown by resources and services to answer with a problem document. */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public static ProblemException badRequest(String field, String message) {
        return new ProblemException(Problem.badRequest(field, message));
    }

    public static ProblemException badRequest(List<Problem.FieldError> errors) {
        return new ProblemException(Problem.badRequest(errors));
    }

    public static ProblemException notFound(String field, String message) {
        return new ProblemException(Problem.notFound(field, message));
    }

    public Problem problem() {
        return problem;
    }
}
