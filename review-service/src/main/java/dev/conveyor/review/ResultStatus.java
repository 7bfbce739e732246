package dev.conveyor.review;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a result stands. Stored and served as its label: Pending, Completed, Failed, Skipped.
 * Skipped is terminal like the other outcomes: the task was never run (its run was halted).
 */
public enum ResultStatus {
    PENDING("Pending"),
    COMPLETED("Completed"),
    FAILED("Failed"),
    SKIPPED("Skipped");

    private final String label;

    ResultStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean isTerminal() {
        return this != PENDING;
    }

    /** The labels, in declaration order, for messages that list the accepted values. */
    public static String labels() {
        return String.join(", ", Arrays.stream(values()).map(ResultStatus::label).toList());
    }

    /** Reads a label regardless of case ("completed", "FAILED"); empty when it names no status. */
    public static Optional<ResultStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.trim();
        return Arrays.stream(values()).filter(s -> s.label.equalsIgnoreCase(trimmed)).findFirst();
    }

    /** Reads a stored label exactly, as the database check constraint allows it. */
    public static ResultStatus fromLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown result status '" + label + "'"));
    }
}
