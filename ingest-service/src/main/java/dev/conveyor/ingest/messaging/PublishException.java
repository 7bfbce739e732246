package dev.conveyor.ingest.messaging;

/** Kafka did not take a batch; its transaction was aborted, so none of it is visible. */
public class PublishException extends RuntimeException {

    private final boolean tooLarge;

    public PublishException(String message, Throwable cause, boolean tooLarge) {
        super(message, cause);
        this.tooLarge = tooLarge;
    }

    /** True when a record exceeded what the producer or broker accepts: retrying will not help. */
    public boolean tooLarge() {
        return tooLarge;
    }
}
