package dev.conveyor.review.sessions.service;

import java.util.List;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.review.sessions.execution.RunReadiness;

/**
 * The {@code 409} a launch (or a preview) answers when the run readiness invariant does not hold:
 * one {@code errors[]} entry per unmet condition, {@code field} its code, the message naming the
 * variable, mapping, finding or preview it is about.
 */
public final class LaunchProblems {

    private LaunchProblems() {
    }

    public static ProblemException unmet(String detail, List<RunReadiness.Unmet> unmet) {
        List<Problem.FieldError> errors = unmet.stream()
                .map(u -> new Problem.FieldError(u.code(), u.message() + " [" + u.ref() + "]")).toList();
        return new ProblemException(new Problem("about:blank", "Conflict", 409, detail + ": " + unmet.size()
                + " condition" + (unmet.size() == 1 ? "" : "s") + " unmet", errors));
    }
}
