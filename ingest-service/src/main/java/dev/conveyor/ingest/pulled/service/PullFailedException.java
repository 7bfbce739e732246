package dev.conveyor.ingest.pulled.service;

/** The source side (database, store, credentials) failed a pull; it is kept as the source's {@code last_error}. */
public class PullFailedException extends RuntimeException {

    public PullFailedException(String message) {
        super(message);
    }
}
