package dev.conveyor.orchestrator.streams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.conveyor.schemas.RunPartitionReported;
import dev.conveyor.schemas.RunProgress;
import dev.conveyor.schemas.StageCounts;

/** Sums of a run's partition reports: what its progress and barriers are computed from. */
public record RunTotals(int partitions, int seen, int reported, boolean scanning, long members, List<StageCounts> stages, long inFlight,
        double costUsd, long tokens, Instant lastResultAt) {

    public static RunTotals of(RunProgress run, List<RunPartitionReported> reports) {
        int n = run.getProcesses().size();
        List<StageCounts> stages = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            stages.add(new StageCounts(0L, 0L, 0L, 0L, 0.0, 0L));
        }
        long members = 0;
        long inFlight = 0;
        double cost = 0;
        long tokens = 0;
        Instant last = null;
        int fresh = 0;
        boolean scanning = false;
        for (RunPartitionReported r : reports) {
            if (r.getEpoch() == run.getEpoch()) {
                fresh++;
                scanning |= r.getScanning();
            }
            members += r.getMembers();
            inFlight += r.getInFlight();
            cost += r.getCostUsd();
            tokens += r.getTokens();
            if (r.getLastResultAt() != null && (last == null || r.getLastResultAt().isAfter(last))) {
                last = r.getLastResultAt();
            }
            for (int i = 0; i < Math.min(n, r.getStages().size()); i++) {
                StageCounts s = stages.get(i);
                StageCounts p = r.getStages().get(i);
                s.setIssued(s.getIssued() + p.getIssued());
                s.setCompleted(s.getCompleted() + p.getCompleted());
                s.setFailed(s.getFailed() + p.getFailed());
                s.setSkipped(s.getSkipped() + p.getSkipped());
                s.setCostUsd(s.getCostUsd() + p.getCostUsd());
                s.setTokens(s.getTokens() + p.getTokens());
            }
        }
        int expected = run.getPartitions() > 0 ? run.getPartitions() : reports.size();
        return new RunTotals(expected, reports.size(), fresh, scanning, members, stages, inFlight, cost, tokens, last);
    }

    /** Every partition has reported at least once: the member count is known. */
    public boolean everyPartitionSeen() {
        return seen >= partitions;
    }

    /** Every partition has reported since the current stage or retry began. */
    public boolean allReported() {
        return reported >= partitions;
    }

    public long terminal(int stage) {
        StageCounts s = stages.get(stage);
        return s.getCompleted() + s.getFailed() + s.getSkipped();
    }

    public boolean stageDone(int stage) {
        return allReported() && !scanning && terminal(stage) >= members;
    }

    public boolean issuedAll(int stage) {
        return stages.get(stage).getIssued() >= members;
    }
}
