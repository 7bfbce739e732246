package dev.conveyor.ingest.service;

/** The upload cannot be read past {@link #line()}: the whole upload is rejected. */
public class UnreadableUploadException extends RuntimeException {

    private final long line;

    public UnreadableUploadException(long line, String message) {
        super(message);
        this.line = line;
    }

    public long line() {
        return line;
    }
}
