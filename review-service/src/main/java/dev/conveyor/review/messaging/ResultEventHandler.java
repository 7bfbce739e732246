package dev.conveyor.review.messaging;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.avro.specific.SpecificRecordBase;

import dev.conveyor.common.kafka.ConsumerLoop;
import dev.conveyor.review.ResultEvent;
import dev.conveyor.review.service.ResultRecorder;

/**
 * Handles a batch of TaskIssued and TaskFinished records together: records that cannot become
 * a result are rejected (the loop dead-letters them), the others are applied in one
 * transaction. A database error propagates, so the loop retries the whole batch.
 */
@ApplicationScoped
public class ResultEventHandler implements ConsumerLoop.BatchHandler<SpecificRecordBase> {

    private final ResultRecorder recorder;

    public ResultEventHandler(ResultRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public List<ConsumerLoop.Rejected> handle(List<ConsumerLoop.Incoming<SpecificRecordBase>> batch) {
        List<ResultEvent> events = new ArrayList<>(batch.size());
        List<ConsumerLoop.Rejected> rejected = new ArrayList<>();
        for (ConsumerLoop.Incoming<SpecificRecordBase> incoming : batch) {
            if (!TaskEventMapper.fromWorkflowRun(incoming.value())) {
                continue; // a Path's or review session's AI task: not a row of the Result table
            }
            try {
                events.add(TaskEventMapper.toResultEvent(incoming.value()));
            } catch (TaskEventMapper.UnacceptableEvent e) {
                rejected.add(incoming.reject(e.getMessage()));
            }
        }
        if (!events.isEmpty()) {
            recorder.apply(events);
        }
        return rejected;
    }
}
