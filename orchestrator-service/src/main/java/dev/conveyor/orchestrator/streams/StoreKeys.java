package dev.conveyor.orchestrator.streams;

/**
 * Composite store keys. The separator sorts before every printable character, so a prefix scan
 * on {@code a + SEP} returns exactly the entries under {@code a}, and {@link #after} /
 * {@link #end} bound a range scan that resumes behind a cursor.
 */
final class StoreKeys {

    static final char SEP = '\u0000';

    private StoreKeys() {
    }

    static String of(String first, String second) {
        return first + SEP + second;
    }

    static String prefix(String first) {
        return first + SEP;
    }

    static String first(String key) {
        return key.substring(0, key.indexOf(SEP));
    }

    static String second(String key) {
        return key.substring(key.indexOf(SEP) + 1);
    }

    /** The smallest key under {@code first} strictly after {@code first|second} (or the first one when null). */
    static String after(String first, String second) {
        return second == null ? prefix(first) : of(first, second) + SEP;
    }

    /** A key greater than every key under {@code first}. */
    static String end(String first) {
        return first + '\u0001';
    }

    /** A deadline index key: zero-padded millis sort as numbers. */
    static String deadline(long atMillis, String runId, String referenceId) {
        return String.format("%015d", atMillis) + SEP + runId + SEP + referenceId;
    }

    static String deadlineUpTo(long atMillis) {
        return String.format("%015d", atMillis) + '\u0001';
    }
}
