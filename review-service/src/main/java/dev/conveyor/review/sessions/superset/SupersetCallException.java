package dev.conveyor.review.sessions.superset;

/**
 * A call to Superset that failed, and how: the kind decides the finding's code, the message says
 * what was asked and what came back (never a token).
 */
public class SupersetCallException extends SupersetUnavailableException {

    /** How a call failed. */
    public enum Failure {
        /** Superset answered a non-2xx status ({@link #status()}). */
        REFUSED("superset_refused"),
        /** No answer within the environment's time-out. */
        TIMEOUT("superset_timeout"),
        /** The answer was larger than the environment's size limit. */
        TOO_LARGE("superset_response_too_large"),
        /** Superset answered a redirect; redirects are never followed. */
        REDIRECT("superset_redirect_refused"),
        /** The answer is not JSON. */
        NOT_JSON("superset_answer_unreadable"),
        /** No connection. */
        UNREACHABLE("superset_unreachable");

        private final String code;

        Failure(String code) {
            this.code = code;
        }

        /** The finding code for this kind of failure. */
        public String code() {
            return code;
        }
    }

    private final Failure failure;

    public SupersetCallException(Failure failure, String message, int status, Throwable cause) {
        super(message, status, cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
