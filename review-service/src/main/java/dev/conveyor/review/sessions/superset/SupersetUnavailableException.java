package dev.conveyor.review.sessions.superset;

/** Superset could not be read: down, refused the login, or answered what we cannot use. */
public class SupersetUnavailableException extends RuntimeException {

    private final int status;

    public SupersetUnavailableException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status Superset answered, 0 when it did not answer. */
    public int status() {
        return status;
    }
}
