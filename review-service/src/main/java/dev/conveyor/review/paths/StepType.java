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

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<StepType> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }

    /** The seed gives {@code thought} (the AI's reasoning, null for a person) to these steps only. */
    public boolean hasThought() {
        return this == ADD_RESEARCH_GOAL || this == ADD_RESEARCH_STRATEGY || this == ADD_NEXT_PROTOCOL
                || this == ADD_INITIAL_VALUES_FOR_FIELDS_IN_NEXT_PROTOCOL;
    }
}
