package dev.conveyor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A provider that behaves like OpenAI under load, for {@link FakeOpenAiServer}: every admitted
 * call takes a fixed latency, and calls are admitted against a requests-per-minute and a
 * tokens-per-minute limit; beyond them it answers 429 at once with {@code Retry-After}.
 *
 * <p>Each limit is a bucket that refills continuously at limit / 60 s and holds at most
 * limit x burst window / 60 s. With the default burst window of one minute a fresh bucket admits
 * exactly the limit at once; a shorter window models OpenAI's quantized limits ("60,000
 * requests/minute may be enforced as 1,000 requests/second"), so that a burst cannot hide a
 * client that does not pace itself. A request costs one request and, as providers admit
 * requests, its prompt estimate plus its {@code max_completion_tokens} / {@code max_tokens} (or
 * a default when it sets neither), times {@code n}. Rejected requests cost nothing.
 *
 * <p>Every reply carries OpenAI's headers: {@code x-ratelimit-limit-requests} and
 * {@code -tokens} (per minute), {@code x-ratelimit-remaining-*} (what the bucket holds now) and
 * {@code x-ratelimit-reset-*} (until the bucket is full again, formatted like "20ms", "1.5s",
 * "6m0s"); a 429 adds {@code Retry-After} (whole seconds, rounded up) and {@code retry-after-ms}.
 * The answer is a sentiment label as {@link SeedAnswers} gives it, with usage tokens. Thread-safe.
 */
public final class RateLimitedProvider implements FakeOpenAiServer.Responder {

    /**
     * How the provider counts a per-minute limit over its burst window (providers differ, and do
     * not say which they use).
     */
    public enum Enforcement {
        /** A bucket refilled continuously, holding the window's share of the limit (the default). */
        TOKEN_BUCKET,
        /** The window's share per window, counted from the start of each window, reset at its end. */
        FIXED_WINDOW,
        /** The window's share within any window-long span ending now. */
        SLIDING_WINDOW
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MINUTE_NANOS = Duration.ofMinutes(1).toNanos();
    /** Keeps the buckets' scaled arithmetic (limit x nanoseconds of a minute) within a long. */
    private static final long MAX_PER_MINUTE = 100_000_000L;

    /** What the provider has seen so far. */
    /**
     * One call as the provider counted it: when ({@code atNanos}, on the provider's clock; and
     * {@code epochMicros}, the wall clock, to set against a worker's logs), what
     * it cost in tokens, and, when it was refused, which limit refused it ("requests" or
     * "tokens"; null when admitted).
     */
    public record Call(long atNanos, long epochMicros, long tokens, String refusedBy) {
        public boolean admitted() {
            return refusedBy == null;
        }
    }

    public record Counters(long requests, long answered, long rejected, long admittedTokens) {

        /** Share of requests answered 429, from 0 to 1. */
        public double rejectedShare() {
            return requests == 0 ? 0 : (double) rejected / requests;
        }

        /** Mean tokens reserved per admitted request, or 0 before the first one. */
        public double tokensPerAnswer() {
            return answered == 0 ? 0 : (double) admittedTokens / answered;
        }

        public Counters minus(Counters earlier) {
            return new Counters(requests - earlier.requests, answered - earlier.answered,
                    rejected - earlier.rejected, admittedTokens - earlier.admittedTokens);
        }
    }

    private final int requestsPerMinute;
    private final long tokensPerMinute;
    private final Duration latency;
    private final int defaultMaxTokens;
    private final Function<FakeOpenAiServer.ChatRequest, String> answers;
    private final LongSupplier nanoClock;
    private final Enforcement enforcement;
    private final Limiter requestBucket;
    private final Limiter tokenBucket;

    private long requests;
    private long answered;
    private long rejected;
    private long admittedTokens;
    /** Every call as the provider counted it, in order: what a benchmark reads to explain its 429s. */
    private final java.util.List<Call> calls = new java.util.ArrayList<>();

    private RateLimitedProvider(Builder b) {
        if (b.requestsPerMinute < 1 || b.tokensPerMinute < 1 || b.tokensPerMinute > MAX_PER_MINUTE) {
            throw new IllegalArgumentException("limits must be between 1 and " + MAX_PER_MINUTE + " a minute");
        }
        this.requestsPerMinute = b.requestsPerMinute;
        this.tokensPerMinute = b.tokensPerMinute;
        this.latency = b.latency;
        this.defaultMaxTokens = b.defaultMaxTokens;
        this.answers = b.answers;
        this.nanoClock = b.nanoClock;
        long now = nanoClock.getAsLong();
        this.enforcement = b.enforcement;
        this.requestBucket = limiter(b.enforcement, requestsPerMinute, b.burstWindow.toNanos(), now);
        this.tokenBucket = limiter(b.enforcement, tokensPerMinute, b.burstWindow.toNanos(), now);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public FakeOpenAiServer.Reply reply(FakeOpenAiServer.ChatRequest request) {
        int promptTokens = estimatePromptTokens(request.body());
        long cost = Math.min(MAX_PER_MINUTE + 1, // beyond any bucket anyway; keeps the arithmetic in range
                promptTokens + (long) maxTokens(request.body()) * Math.max(1, request.body().path("n").asInt(1)));
        boolean admitted;
        Map<String, String> headers;
        FakeOpenAiServer.Reply rejection = null;
        synchronized (this) {
            long now = nanoClock.getAsLong();
            requestBucket.refill(now);
            tokenBucket.refill(now);
            requests++;
            admitted = requestBucket.holds(1) && tokenBucket.holds(cost);
            if (admitted) {
                requestBucket.take(1);
                tokenBucket.take(cost);
                answered++;
                admittedTokens += cost;
            } else {
                rejected++;
            }
            headers = limitHeaders();
            if (!admitted) {
                rejection = rejection(cost, headers);
            }
            java.time.Instant wall = java.time.Instant.now();
            calls.add(new Call(now, wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1000, cost, admitted ? null
                    : requestBucket.holds(1) ? "tokens" : "requests"));
        }
        if (!admitted) {
            return rejection;
        }
        String content = answers.apply(request);
        int completionTokens = Math.max(1, (content.length() + 3) / 4);
        return new FakeOpenAiServer.Reply(200, headers,
                FakeOpenAiServer.completionBody(content, promptTokens, completionTokens), latency.toMillis());
    }

    /** A snapshot of the counters. */
    public synchronized Counters counters() {
        return new Counters(requests, answered, rejected, admittedTokens);
    }

    /** Every call so far, in the order the provider counted them. */
    public synchronized java.util.List<Call> calls() {
        return java.util.List.copyOf(calls);
    }

    /** How long until both buckets are full again (zero when they are). */
    public synchronized Duration untilFull() {
        long now = nanoClock.getAsLong();
        requestBucket.refill(now);
        tokenBucket.refill(now);
        return max(requestBucket.untilFull(), tokenBucket.untilFull());
    }

    public int requestsPerMinute() {
        return requestsPerMinute;
    }

    public long tokensPerMinute() {
        return tokensPerMinute;
    }

    public Duration latency() {
        return latency;
    }

    public Enforcement enforcement() {
        return enforcement;
    }

    private static Limiter limiter(Enforcement enforcement, long perMinute, long windowNanos, long now) {
        return switch (enforcement) {
            case TOKEN_BUCKET -> new Bucket(perMinute, windowNanos, now);
            case FIXED_WINDOW -> new FixedWindow(perMinute, windowNanos, now);
            case SLIDING_WINDOW -> new SlidingWindow(perMinute, windowNanos, now);
        };
    }

    private FakeOpenAiServer.Reply rejection(long cost, Map<String, String> headers) {
        String message;
        String type;
        Duration wait;
        if (tokenBucket.exceeds(cost)) {
            type = "tokens";
            wait = Duration.ofMinutes(1);
            message = "Request too large for tokens per min (TPM): Limit " + tokensPerMinute + ", Requested " + cost
                    + ". The input or output tokens must be reduced in order to run successfully.";
        } else {
            Duration forRequest = requestBucket.until(1);
            Duration forTokens = tokenBucket.until(cost);
            boolean tokens = forTokens.compareTo(forRequest) > 0;
            type = tokens ? "tokens" : "requests";
            wait = max(forRequest, forTokens);
            message = "Rate limit reached on " + (tokens
                    ? "tokens per min (TPM): Limit " + tokensPerMinute + ", Remaining " + tokenBucket.remaining()
                            + ", Requested " + cost
                    : "requests per min (RPM): Limit " + requestsPerMinute + ", Remaining "
                            + requestBucket.remaining() + ", Requested 1")
                    + ". Please try again in " + resetFormat(wait) + ".";
        }
        Map<String, String> all = new LinkedHashMap<>(headers);
        long waitMillis = Math.max(1, ceilDiv(wait.toNanos(), 1_000_000));
        all.put("Retry-After", Long.toString(Math.max(1, ceilDiv(wait.toNanos(), 1_000_000_000))));
        all.put("retry-after-ms", Long.toString(waitMillis));
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        error.put("code", "rate_limit_exceeded");
        return new FakeOpenAiServer.Reply(429, Map.copyOf(all), body.toString(), 0);
    }

    private Map<String, String> limitHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-ratelimit-limit-requests", Integer.toString(requestsPerMinute));
        headers.put("x-ratelimit-remaining-requests", Long.toString(requestBucket.remaining()));
        headers.put("x-ratelimit-reset-requests", resetFormat(requestBucket.untilFull()));
        headers.put("x-ratelimit-limit-tokens", Long.toString(tokensPerMinute));
        headers.put("x-ratelimit-remaining-tokens", Long.toString(tokenBucket.remaining()));
        headers.put("x-ratelimit-reset-tokens", resetFormat(tokenBucket.untilFull()));
        return Map.copyOf(headers);
    }

    private int maxTokens(JsonNode body) {
        JsonNode max = body.path("max_completion_tokens");
        if (!max.isNumber()) {
            max = body.path("max_tokens");
        }
        return max.isNumber() ? max.asInt() : defaultMaxTokens;
    }

    /**
     * Tokens of a prompt as OpenAI's cookbook counts them for rate limiting (4 per message plus
     * its text, 2 to prime the reply), with text at about 4 characters a token.
     */
    public static int estimatePromptTokens(JsonNode body) {
        int tokens = 2;
        for (JsonNode message : body.path("messages")) {
            tokens += 4 + textTokens(message.path("content"));
        }
        return tokens;
    }

    private static int textTokens(JsonNode content) {
        if (content.isTextual()) {
            return (content.asText().length() + 3) / 4;
        }
        int tokens = 0;
        for (JsonNode part : content) { // content parts: [{"type":"text","text":"..."}]
            tokens += (part.path("text").asText().length() + 3) / 4;
        }
        return tokens;
    }

    /** A duration as OpenAI writes it in {@code x-ratelimit-reset-*}: "0s", "20ms", "1.5s", "6m0s", "1h0m0s". */
    public static String resetFormat(Duration duration) {
        long millis = ceilDiv(Math.max(0, duration.toNanos()), 1_000_000);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long hours = millis / 3_600_000;
        long minutes = millis / 60_000 % 60;
        long seconds = millis / 1000 % 60;
        long fraction = millis % 1000;
        StringBuilder text = new StringBuilder();
        if (hours > 0) {
            text.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            text.append(minutes).append('m');
        }
        text.append(seconds);
        if (fraction > 0) {
            String digits = String.format("%03d", fraction);
            text.append('.').append(digits.replaceAll("0+$", ""));
        }
        return text.append('s').toString();
    }

    /**
     * The seed's sentiment answer; shaped as JSON when the request asks for a JSON schema: a
     * string schema gets a JSON string, an object schema gets its first property set to it.
     */
    static String seedAnswer(FakeOpenAiServer.ChatRequest request) {
        String answer = SeedAnswers.answer(request.allText());
        JsonNode format = request.body().path("response_format");
        if (!"json_schema".equals(format.path("type").asText())) {
            return answer;
        }
        JsonNode schema = format.path("json_schema").path("schema");
        try {
            Iterator<String> properties = schema.path("properties").fieldNames();
            if (properties.hasNext()) {
                ObjectNode object = JSON.createObjectNode();
                object.put(properties.next(), answer);
                return JSON.writeValueAsString(object);
            }
            return JSON.writeValueAsString(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    /**
     * A continuously refilling bucket, in exact integer arithmetic: amounts are scaled by the
     * nanoseconds of a minute, so that a refill of {@code perMinute} units a minute adds
     * {@code perMinute} scaled units a nanosecond. Guarded by the provider's lock.
     */
    private interface Limiter {
        void refill(long now);

        boolean holds(long amount);

        void take(long amount);

        long remaining();

        boolean exceeds(long amount);

        Duration until(long amount);

        Duration untilFull();
    }

    /** The window's share of the limit, at least one unit. */
    private static long allowance(long perMinute, long windowNanos) {
        return Math.max(1, (long) ((double) perMinute * windowNanos / MINUTE_NANOS));
    }

    /** Counts from the start of each window; everything is allowed again when the next one starts. */
    private static final class FixedWindow implements Limiter {
        final long windowNanos;
        final long allowance;
        long windowStart;
        long used;
        long now;

        FixedWindow(long perMinute, long windowNanos, long start) {
            this.windowNanos = windowNanos;
            this.allowance = allowance(perMinute, windowNanos);
            this.windowStart = start;
            this.now = start;
        }

        @Override
        public void refill(long now) {
            this.now = Math.max(this.now, now);
            if (this.now - windowStart >= windowNanos) {
                windowStart += (this.now - windowStart) / windowNanos * windowNanos;
                used = 0;
            }
        }

        @Override
        public boolean holds(long amount) {
            return used + amount <= allowance;
        }

        @Override
        public void take(long amount) {
            used += amount;
        }

        @Override
        public long remaining() {
            return Math.max(0, allowance - used);
        }

        @Override
        public boolean exceeds(long amount) {
            return amount > allowance;
        }

        @Override
        public Duration until(long amount) {
            return holds(amount) ? Duration.ZERO : Duration.ofNanos(windowStart + windowNanos - now);
        }

        @Override
        public Duration untilFull() {
            return used == 0 ? Duration.ZERO : Duration.ofNanos(windowStart + windowNanos - now);
        }
    }

    /** Counts what was admitted within the last window-long span, whenever it started. */
    private static final class SlidingWindow implements Limiter {
        final long windowNanos;
        final long allowance;
        final java.util.ArrayDeque<long[]> admitted = new java.util.ArrayDeque<>(); // {at, amount}
        long used;
        long now;

        SlidingWindow(long perMinute, long windowNanos, long start) {
            this.windowNanos = windowNanos;
            this.allowance = allowance(perMinute, windowNanos);
            this.now = start;
        }

        @Override
        public void refill(long now) {
            this.now = Math.max(this.now, now);
            while (!admitted.isEmpty() && admitted.peekFirst()[0] <= this.now - windowNanos) {
                used -= admitted.pollFirst()[1];
            }
        }

        @Override
        public boolean holds(long amount) {
            return used + amount <= allowance;
        }

        @Override
        public void take(long amount) {
            admitted.addLast(new long[] {now, amount});
            used += amount;
        }

        @Override
        public long remaining() {
            return Math.max(0, allowance - used);
        }

        @Override
        public boolean exceeds(long amount) {
            return amount > allowance;
        }

        @Override
        public Duration until(long amount) {
            long freed = 0;
            for (long[] entry : admitted) {
                if (used - freed + amount <= allowance) {
                    break;
                }
                freed += entry[1];
                if (used - freed + amount <= allowance) {
                    return Duration.ofNanos(Math.max(0, entry[0] + windowNanos - now));
                }
            }
            return Duration.ZERO;
        }

        @Override
        public Duration untilFull() {
            return admitted.isEmpty() ? Duration.ZERO
                    : Duration.ofNanos(Math.max(0, admitted.peekLast()[0] + windowNanos - now));
        }
    }

    private static final class Bucket implements Limiter {
        final long perMinute;
        final long windowNanos;
        final long capacity;
        long level;
        long last;

        Bucket(long perMinute, long windowNanos, long now) {
            this.perMinute = perMinute;
            this.windowNanos = windowNanos;
            this.capacity = Math.max(MINUTE_NANOS, perMinute * windowNanos); // at least one unit
            this.level = capacity;
            this.last = now;
        }

        @Override
        public void refill(long now) {
            long elapsed = now - last;
            if (elapsed > 0) {
                level = elapsed >= windowNanos ? capacity : Math.min(capacity, level + elapsed * perMinute);
                last = now;
            }
        }

        @Override
        public boolean holds(long amount) {
            return level >= amount * MINUTE_NANOS;
        }

        @Override
        public void take(long amount) {
            level -= amount * MINUTE_NANOS;
        }

        @Override
        public long remaining() {
            return level / MINUTE_NANOS;
        }

        @Override
        public boolean exceeds(long amount) {
            return amount * MINUTE_NANOS > capacity;
        }

        @Override
        public Duration until(long amount) {
            return untilLevel(amount * MINUTE_NANOS);
        }

        @Override
        public Duration untilFull() {
            return untilLevel(capacity);
        }

        private Duration untilLevel(long scaled) {
            return scaled <= level ? Duration.ZERO : Duration.ofNanos(ceilDiv(scaled - level, perMinute));
        }
    }

    public static final class Builder {
        private int requestsPerMinute = 600;
        private long tokensPerMinute = 60_000;
        private Duration latency = Duration.ofMillis(200);
        private Duration burstWindow = Duration.ofMinutes(1);
        private Enforcement enforcement = Enforcement.TOKEN_BUCKET;
        private int defaultMaxTokens = 16;
        private Function<FakeOpenAiServer.ChatRequest, String> answers = RateLimitedProvider::seedAnswer;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        public Builder requestsPerMinute(int limit) {
            this.requestsPerMinute = limit;
            return this;
        }

        public Builder tokensPerMinute(long limit) {
            this.tokensPerMinute = limit;
            return this;
        }

        /** How long an admitted call takes before it answers. */
        public Builder latency(Duration latency) {
            this.latency = Objects.requireNonNull(latency);
            return this;
        }

        /** How much of a minute's limit a full bucket holds: one minute (default) down to a fraction of a second. */
        public Builder burstWindow(Duration window) {
            if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("burst window must be in (0, 1 min], got " + window);
            }
            this.burstWindow = window;
            return this;
        }

        /** How the limit is counted over the burst window (default: a token bucket). */
        public Builder enforcement(Enforcement enforcement) {
            this.enforcement = Objects.requireNonNull(enforcement);
            return this;
        }

        /** Completion tokens reserved for a request that sets no max tokens. */
        public Builder defaultMaxTokens(int tokens) {
            this.defaultMaxTokens = tokens;
            return this;
        }

        /** The text of an admitted answer (default: the seed's sentiment label). */
        public Builder answers(Function<FakeOpenAiServer.ChatRequest, String> answers) {
            this.answers = Objects.requireNonNull(answers);
            return this;
        }

        /** The time source, in nanoseconds; a test can step it by hand. */
        public Builder clock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock);
            return this;
        }

        public RateLimitedProvider build() {
            return new RateLimitedProvider(this);
        }
    }
}
