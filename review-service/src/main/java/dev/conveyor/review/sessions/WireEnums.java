package dev.conveyor.review.sessions;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Parses the seed's lowercase enum values; an unknown value names the allowed ones. */
public final class WireEnums {

    private WireEnums() {
    }

    public static <E extends Enum<E>> E parse(Class<E> type, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(java.util.Locale.ROOT).equals(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("must be one of " + Arrays.stream(type.getEnumConstants())
                .map(c -> c.name().toLowerCase()).collect(Collectors.joining(", ")) + ", not '" + value + "'");
    }
}
