package dev.conveyor.review.paths.service;

/** The Path is not at the version the writer expected (HTTP 412). */
public class VersionConflictException extends RuntimeException {

    private final long current;

    public VersionConflictException(String pathId, Long expected, long current) {
        super("Path " + pathId + " is at version " + current + ", not " + expected
                + ": read it again (its ETag) and retry");
        this.current = current;
    }

    public long current() {
        return current;
    }
}
