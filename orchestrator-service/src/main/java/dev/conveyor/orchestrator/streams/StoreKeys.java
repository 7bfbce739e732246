package dev.conveyor.orchestrator.streams;

/**
 * Composite store keys. The separator sorts before every printable character, so a prefix scan
 * on {@code a + SEP} returns exactly the entries under {@code a}.
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

    static String second(String key) {
        return key.substring(key.indexOf(SEP) + 1);
    }
}
