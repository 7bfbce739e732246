package dev.conveyor.worker.service;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/** Runs that must make no further model calls, with the reason, as read from conveyor.run-controls. */
@ApplicationScoped
public class HaltedRuns {

    private final ConcurrentHashMap<String, String> reasons = new ConcurrentHashMap<>();

    public void halt(String runId, String reason) {
        reasons.put(runId, reason);
    }

    public int count() {
        return reasons.size();
    }

    public Optional<String> reason(String runId) {
        return Optional.ofNullable(reasons.get(runId));
    }
}
