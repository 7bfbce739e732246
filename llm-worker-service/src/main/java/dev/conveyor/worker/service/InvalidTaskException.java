package dev.conveyor.worker.service;

/** A task that cannot be run as it is (an empty column, no input): it fails without a model call. */
public class InvalidTaskException extends RuntimeException {

    public InvalidTaskException(String message) {
        super(message);
    }
}
