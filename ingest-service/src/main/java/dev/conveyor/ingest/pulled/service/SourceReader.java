package dev.conveyor.ingest.pulled.service;

import dev.conveyor.ingest.pulled.repository.PulledSourceEntity;
import dev.conveyor.ingest.pulled.repository.PulledSourceRepository;

/**
 * One kind of source ingest pulls itself (a database, an S3 store), plugged into
 * {@link PulledSourceService}: how a definition is checked and kept, how the source is shown, and
 * how it is read.
 *
 * @param <E> the stored source
 * @param <D> the definition a user sends
 * @param <V> the source as the API shows it
 * @param <R> the outcome of a pull
 */
public interface SourceReader<E extends PulledSourceEntity, D, V, R> {

    /** Names the kind in messages ("JDBC", "S3"). */
    String kind();

    PulledSourceRepository<E> sources();

    E newSource();

    /**
     * Checks a definition and writes it into the (locked or new) source.
     *
     * @throws dev.conveyor.common.rest.ProblemException 400 naming every bad field
     */
    void apply(String name, D definition, E source);

    V view(E source);

    /**
     * Reads a defined source and stores its new rows (its own transactions).
     *
     * @throws PullFailedException when the source side failed
     */
    R pull(String name);

    /** A line for the log after a scheduled pull, or null when it imported nothing worth saying. */
    String summary(R result);
}
