package dev.conveyor.review.messaging;

import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.avro.specific.SpecificRecordBase;
import org.jboss.logging.Logger;

import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.config.ReviewConfig;
import dev.conveyor.review.service.ResultRecorder;

/**
 * Handles a batch of TaskIssued and TaskFinished records together: records that cannot become
 * a result are rejected (and dead-lettered by the consumer), the others are applied in one
 * transaction. When the database is away the batch is tried again, with a growing pause, until
 * it is back: that is no fault of the records. When the database refuses the batch for its
 * content, it is tried a bounded number of times, then split in halves to find the records at
 * fault; each is rejected with the database's reason and the rest are applied, so one poison
 * record never blocks its partition.
 */
@ApplicationScoped
public class ResultEventHandler {

    /** A consumed record: its decoded value, or why it did not decode. */
    public record Received(Object value, String unreadable) {
    }

    /** A record given up on: its index in the batch, and why. */
    public record Rejected(int index, String reason) {
    }

    private record Indexed(int index, ResultEvent event) {
    }

    private static final Logger LOG = Logger.getLogger(ResultEventHandler.class);

    private final ResultRecorder recorder;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final int maxAttempts;

    @Inject
    public ResultEventHandler(ResultRecorder recorder, ReviewConfig config) {
        this(recorder, config.consumer().retryBackoff(), config.consumer().maxBackoff(),
                config.consumer().maxAttempts());
    }

    public ResultEventHandler(ResultRecorder recorder, Duration firstBackoff, Duration maxBackoff, int maxAttempts) {
        this.recorder = recorder;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.maxAttempts = Math.max(1, maxAttempts);
    }

    public List<Rejected> handle(List<Received> batch) {
        List<Indexed> events = new ArrayList<>(batch.size());
        List<Rejected> rejected = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Received received = batch.get(i);
            if (received.unreadable() != null) {
                rejected.add(new Rejected(i, "undecodable record: " + received.unreadable()));
            } else if (received.value() == null) {
                rejected.add(new Rejected(i, "empty value (tombstone) on a topic that does not take tombstones"));
            } else if (!(received.value() instanceof SpecificRecordBase record)) {
                rejected.add(new Rejected(i, "unexpected value " + received.value().getClass().getSimpleName()));
            } else if (!TaskEventMapper.fromWorkflowRun(record)) {
                continue; // a Path's or review session's AI task: not a row of the Result table
            } else {
                try {
                    events.add(new Indexed(i, TaskEventMapper.toResultEvent(record)));
                } catch (TaskEventMapper.UnacceptableEvent e) {
                    rejected.add(new Rejected(i, e.getMessage()));
                }
            }
        }
        if (!events.isEmpty()) {
            applyOrSplit(events, rejected);
        }
        return rejected;
    }

    private void applyOrSplit(List<Indexed> events, List<Rejected> rejected) {
        RuntimeException refused = applyWithRetries(events);
        if (refused == null) {
            return;
        }
        if (events.size() == 1) {
            rejected.add(new Rejected(events.get(0).index(), "the database refused the record: " + rootMessage(refused)));
            return;
        }
        LOG.warnf("the database refused a batch of %d task events (%s); splitting it to find the records at fault",
                events.size(), rootMessage(refused));
        int half = events.size() / 2;
        applyOrSplit(events.subList(0, half), rejected);
        applyOrSplit(events.subList(half, events.size()), rejected);
    }

    /** Null once applied; the last refusal after the bounded tries otherwise. */
    private RuntimeException applyWithRetries(List<Indexed> events) {
        List<ResultEvent> batch = events.stream().map(Indexed::event).toList();
        int refusals = 0;
        int waits = 0;
        while (true) {
            try {
                recorder.apply(batch);
                return null;
            } catch (RuntimeException e) {
                boolean away = databaseAway(e);
                if (!away && ++refusals >= maxAttempts) {
                    return e;
                }
                Duration pause = backoff(waits++);
                LOG.warnf("could not apply %d task events (%s), trying again in %d ms: %s", batch.size(),
                        away ? "database away" : "attempt " + refusals + " of " + maxAttempts, pause.toMillis(),
                        rootMessage(e));
                pause(pause);
            }
        }
    }

    Duration backoff(int waits) {
        long millis = firstBackoff.toMillis() << Math.min(waits, 20);
        return Duration.ofMillis(Math.min(Math.max(millis, 0), maxBackoff.toMillis()));
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause.toMillis()); // back-off before the database is tried again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("stopping while the database was being retried");
        }
    }

    /** Errors that say the database could not be reached or gave up the transaction, not that it refused the data. */
    static boolean databaseAway(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof java.net.ConnectException
                    || t instanceof org.hibernate.exception.JDBCConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08 connection, 40 rollback (deadlock, serialization), 53 resources, 57 operator intervention
                if (state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                        || state.startsWith("57")) {
                    return true;
                }
            }
            String message = t.getMessage();
            if (message != null && (message.contains("Acquisition timeout")
                    || message.contains("Unable to acquire JDBC Connection"))) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
