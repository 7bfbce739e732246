package dev.conveyor.review.paths;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The seed's {@code path_status}: which step a Path waits for, or that it ended. */
public enum PathStatus {
    WAITING_FOR_RESEARCH_GOAL,
    WAITING_FOR_RESEARCH_STRATEGY,
    END_AFTER_GENERATING_RESEARCH_STRATEGY,
    WAITING_FOR_NEXT_PROTOCOL,
    END_AFTER_SELECTING_NEXT_PROTOCOL,
    WAITING_FOR_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL,
    WAITING_FOR_RECORD,
    WAITING_FOR_PHASED_RESEARCH_CONCLUSION,
    WAITING_FOR_FINAL_RESEARCH_CONCLUSION,
    COMPLETED;

    // computed once: the fold and the rebuild ask for it on every event
    private final String wire = name().toLowerCase(Locale.ROOT);
    private static final java.util.Map<String, PathStatus> BY_WIRE = Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(PathStatus::wire, v -> v));

    public String wire() {
        return wire;
    }

    public static Optional<PathStatus> fromWire(String value) {
        return value == null ? Optional.empty() : Optional.ofNullable(BY_WIRE.get(value));
    }

    public boolean isEndAfter() {
        return this == END_AFTER_GENERATING_RESEARCH_STRATEGY || this == END_AFTER_SELECTING_NEXT_PROTOCOL;
    }
}
