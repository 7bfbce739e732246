package dev.conveyor.review.paths;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The seed's step kinds, named as verb phrases. */
public enum StepType {
    ADD_RESEARCH_GOAL,
    ADD_RESEARCH_STRATEGY,
    ADD_NEXT_PROTOCOL,
    ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL,
    RECORD_PROTOCOL,
    ADD_PHASED_RESEARCH_CONCLUSION,
    ADD_FINAL_RESEARCH_CONCLUSION;

    // computed once: the fold and the rebuild ask for it on every event
    private final String wire = name().toLowerCase(Locale.ROOT);
    private static final java.util.Map<String, StepType> BY_WIRE = Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(StepType::wire, v -> v));

    public String wire() {
        return wire;
    }

    public static Optional<StepType> fromWire(String value) {
        return value == null ? Optional.empty() : Optional.ofNullable(BY_WIRE.get(value));
    }

    /** The seed gives {@code thought} (the AI's reasoning, null for a person) to these steps only. */
    public boolean hasThought() {
        return this == ADD_RESEARCH_GOAL || this == ADD_RESEARCH_STRATEGY || this == ADD_NEXT_PROTOCOL
                || this == ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL;
    }
}
