package dev.conveyor.worker.service;

/** Something that answers a {@link ModelRequest}: a provider over HTTP, or the offline model. */
public interface ModelCaller {

    /**
     * @throws RuntimeException when the call fails; {@link CallFailure#of} says whether it is
     *         worth retrying
     */
    ModelReply call(ModelRequest request);

    /** False for a caller whose answers cost nothing and need no rate limit (the offline model). */
    default boolean isRemote() {
        return true;
    }
}
