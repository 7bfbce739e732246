package dev.conveyor.review.paths;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Who filled a step: the AI, or a person (a person's edit of an AI step is a supervision signal). */
public enum StepMode {
    AI,
    USER;

    // computed once: the fold and the rebuild ask for it on every event
    private final String wire = name().toLowerCase(Locale.ROOT);
    private static final java.util.Map<String, StepMode> BY_WIRE = Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(StepMode::wire, v -> v));

    public String wire() {
        return wire;
    }

    public static Optional<StepMode> fromWire(String value) {
        return value == null ? Optional.empty() : Optional.ofNullable(BY_WIRE.get(value));
    }
}
