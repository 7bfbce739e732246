package dev.conveyor.ingest.pulled.service;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

import dev.conveyor.common.rest.Problem;

/** A pulled source's optional {@code pull_every}: an ISO-8601 duration of at least a second. */
public final class PullSchedule {

    private PullSchedule() {
    }

    /**
     * @return the interval in seconds, or null when none is given (pulled on demand only) or it is
     *         bad; a bad one adds an error naming {@code pull_every}
     */
    public static Long seconds(String pullEvery, List<Problem.FieldError> errors) {
        if (pullEvery == null || pullEvery.isBlank()) {
            return null;
        }
        try {
            Duration every = Duration.parse(pullEvery);
            if (every.getSeconds() < 1) {
                errors.add(new Problem.FieldError("pull_every", "must be at least PT1S"));
                return null;
            }
            return every.getSeconds();
        } catch (DateTimeParseException e) {
            errors.add(new Problem.FieldError("pull_every", "must be an ISO-8601 duration such as PT5M"));
            return null;
        }
    }
}
