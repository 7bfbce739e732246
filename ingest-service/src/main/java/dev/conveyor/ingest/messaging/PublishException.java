package dev.conveyor.ingest.messaging;

/** Kafka did not take rows; their transaction was aborted, so none of them is visible. */
public class PublishException extends RuntimeException {

    private final boolean refused;

    public PublishException(String message, Throwable cause, boolean refused) {
        super(message, cause);
        this.refused = refused;
    }

    /** True when Kafka refused a record for good (too large, not serializable): retrying will not help. */
    public boolean refused() {
        return refused;
    }
}
