package dev.conveyor.review;

/** How far one process of a workflow has got: its results counted by status. */
public record ProcessProgress(String processName, int stageIndex, long pending, long completed, long failed,
        long skipped) {

    public long total() {
        return pending + completed + failed + skipped;
    }
}
