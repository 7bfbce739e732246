package dev.conveyor.worker.service;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rate-limit headers of an OpenAI-compatible answer; -1 where a header is absent.
 */
public record RateLimitHeaders(long limitRequests, long remainingRequests, long limitTokens, long remainingTokens,
        Optional<Duration> retryAfter) {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    public static RateLimitHeaders from(Function<String, String> header) {
        return new RateLimitHeaders(number(header.apply("x-ratelimit-limit-requests")),
                number(header.apply("x-ratelimit-remaining-requests")),
                number(header.apply("x-ratelimit-limit-tokens")),
                number(header.apply("x-ratelimit-remaining-tokens")),
                retryAfter(header.apply("retry-after-ms"), header.apply("retry-after")));
    }

    public boolean isEmpty() {
        return limitRequests < 0 && remainingRequests < 0 && limitTokens < 0 && remainingTokens < 0
                && retryAfter.isEmpty();
    }

    private static long number(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            return (long) Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Retry-After in milliseconds, seconds, or as an HTTP date; OpenAI's "1s"/"6m0s" forms too. */
    static Optional<Duration> retryAfter(String millis, String value) {
        if (millis != null && !millis.isBlank()) {
            try {
                return Optional.of(Duration.ofMillis((long) Double.parseDouble(millis.trim())));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
        } catch (NumberFormatException e) {
            // not seconds
        }
        Matcher m = DURATION_PART.matcher(v);
        long total = 0;
        boolean any = false;
        while (m.find()) {
            any = true;
            double n = Double.parseDouble(m.group(1));
            total += (long) switch (m.group(2)) {
                case "h" -> n * 3_600_000;
                case "m" -> n * 60_000;
                case "s" -> n * 1_000;
                default -> n;
            };
        }
        if (any) {
            return Optional.of(Duration.ofMillis(total));
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            return Optional.of(Duration.between(ZonedDateTime.now(at.getZone()), at)).filter(d -> !d.isNegative());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
