package dev.conveyor.ingest.pulled.service;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.common.rest.Problem;
import dev.conveyor.common.rest.ProblemException;
import dev.conveyor.ingest.pulled.repository.PulledSourceEntity;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * What every pulled source (JDBC, S3) does the same way, with the kind's {@link SourceReader}
 * plugged in: defining a source, finding it or answering 404, pulling it now (502 and
 * {@code last_error} when the source side fails), and the scheduled pulls.
 */
@ApplicationScoped
public class PulledSourceService {

    private static final Logger LOG = LoggerFactory.getLogger(PulledSourceService.class);

    /** Creates or replaces a definition; what the source has read so far is the reader's to keep or reset. */
    @Transactional
    public <E extends PulledSourceEntity, D, V> V define(SourceReader<E, D, V, ?> reader, String name, D definition) {
        if (definition == null) {
            throw ProblemException.badRequest("body", "a JSON object defining the source is required");
        }
        E source = reader.sources().lock(name).orElseGet(() -> {
            E created = reader.newSource();
            created.name = name;
            created.createdAt = Instant.now();
            return created;
        });
        reader.apply(name, definition, source);
        if (!reader.sources().isPersistent(source)) {
            reader.sources().persist(source);
        }
        return reader.view(source);
    }

    /** @throws ProblemException 404 when no such source is defined */
    @Transactional
    public <E extends PulledSourceEntity, V> V get(SourceReader<E, ?, V, ?> reader, String name) {
        return reader.view(reader.sources().findByIdOptional(name).orElseThrow(() -> notFound(reader, name)));
    }

    /**
     * Pulls now, for the API.
     *
     * @throws ProblemException 404 when no such source is defined, 502 when the source side failed
     */
    public <R> R pullNow(SourceReader<?, ?, ?, R> reader, String name) {
        try {
            return pull(reader, name);
        } catch (PullFailedException e) {
            throw new ProblemException(Problem.of(502, reader.kind() + " source failed", e.getMessage()));
        }
    }

    /**
     * Pulls now.
     *
     * @throws ProblemException 404 when no such source is defined
     * @throws PullFailedException when the source side failed; recorded as the source's {@code last_error}
     */
    public <E extends PulledSourceEntity, R> R pull(SourceReader<E, ?, ?, R> reader, String name) {
        if (QuarkusTransaction.requiringNew().call(() -> reader.sources().findByIdOptional(name)).isEmpty()) {
            throw notFound(reader, name);
        }
        try {
            return reader.pull(name);
        } catch (PullFailedException e) {
            QuarkusTransaction.requiringNew().run(() -> reader.sources().findByIdOptional(name).ifPresent(s -> {
                s.lastError = e.getMessage();
                s.lastPulledAt = Instant.now();
            }));
            throw e;
        }
    }

    /** Pulls the kind's scheduled sources that are due; one failing source does not stop the others. */
    public <R> void pullDue(SourceReader<?, ?, ?, R> reader) {
        List<String> due = QuarkusTransaction.requiringNew().call(() -> reader.sources().due(Instant.now()));
        for (String name : due) {
            try {
                String summary = reader.summary(pull(reader, name));
                if (summary != null) {
                    LOG.info("{} source {}: {}", reader.kind(), name, summary);
                }
            } catch (RuntimeException e) {
                LOG.warn("{} source {}: scheduled pull failed: {}", reader.kind(), name, e.getMessage());
            }
        }
    }

    private static ProblemException notFound(SourceReader<?, ?, ?, ?> reader, String name) {
        return ProblemException.notFound("name", "no " + reader.kind() + " source named '" + name + "'");
    }
}
