package dev.conveyor.review;

import java.util.Optional;
import java.util.UUID;

/** Strict UUID parsing: only the canonical 8-4-4-4-12 hex form, which {@link UUID#fromString} does not insist on. */
public final class Uuids {

    private Uuids() {
    }

    public static Optional<UUID> parse(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        try {
            UUID uuid = UUID.fromString(text);
            // fromString also takes "1-1-1-1-1" padded to 36 chars in odd ways; insist on the canonical form
            return uuid.toString().equalsIgnoreCase(text) ? Optional.of(uuid) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
