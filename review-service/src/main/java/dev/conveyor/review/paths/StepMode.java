package dev.conveyor.review.paths;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Who filled a step: the AI, or a person (a person's edit of an AI step is a supervision signal). */
public enum StepMode {
    AI,
    USER;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<StepMode> fromWire(String value) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(value)).findFirst();
    }
}
