package dev.conveyor.review.service;

/**
 * Text as PostgreSQL's {@code text} takes it: it refuses the NUL character, and a string with a
 * lone surrogate cannot be encoded as UTF-8. Both become U+FFFD, the replacement character, so a
 * model answer with such characters is stored (visibly marked) instead of blocking the consumer.
 */
public final class PostgresText {

    static final char REPLACEMENT = '\uFFFD';

    private PostgresText() {
    }

    public static String safe(String text) {
        if (text == null || !needsRepair(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                out.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean needsRepair(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0' || Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
