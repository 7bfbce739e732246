package dev.conveyor.review.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.StatusTransition;
import dev.conveyor.review.repository.ResultEntity;
import dev.conveyor.review.repository.ResultRepository;

/** Applies task events to the results table, a batch per transaction. */
@ApplicationScoped
public class ResultRecorder {

    /** What a batch did to the table. */
    public record Applied(int inserted, int advanced, int kept) {
    }

    private static final Logger LOG = Logger.getLogger(ResultRecorder.class);

    private final ResultRepository repository;

    public ResultRecorder(ResultRepository repository) {
        this.repository = repository;
    }

    /**
     * Applies the events in order. Idempotent: a redelivered batch finds its rows and keeps them,
     * so the consumer loop may retry a batch whose transaction failed.
     */
    @Transactional
    public Applied apply(List<ResultEvent> events) {
        // PostgreSQL keeps microseconds; truncating keeps what we return equal to what is stored
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Map<UUID, ResultEntity> rows = repository.lockByIds(events.stream().map(ResultEvent::resultId).toList());
        int inserted = 0;
        int advanced = 0;
        int kept = 0;
        for (ResultEvent event : events) {
            ResultEntity row = rows.get(event.resultId());
            switch (StatusTransition.decide(row == null ? null : row.getStatus(), event.status())) {
                case INSERT -> {
                    ResultEntity created = event instanceof ResultEvent.Finished finished
                            ? ResultEntity.finished(finished, now)
                            : ResultEntity.pending((ResultEvent.Issued) event, now);
                    repository.persist(created);
                    rows.put(created.getResultId(), created);
                    inserted++;
                }
                case ADVANCE -> {
                    row.finish((ResultEvent.Finished) event, now);
                    advanced++;
                }
                case KEEP -> kept++;
            }
        }
        LOG.debugf("Applied %d task events: %d inserted, %d advanced, %d unchanged", events.size(), inserted,
                advanced, kept);
        return new Applied(inserted, advanced, kept);
    }
}
