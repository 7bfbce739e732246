package dev.conveyor.worker.config;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the worker consumes tasks and calls the model. See docs/llm-worker.md. */
@ConfigMapping(prefix = "conveyor.worker")
public interface WorkerConfig {

    /** Consumer group of the workers; every instance shares it so that each task goes to one of them. */
    @WithDefault("conveyor-llm-worker")
    String groupId();

    /**
     * Which model answers: {@code openai} (the configured OpenAI-compatible endpoint),
     * {@code offline} (the in-process model), or {@code auto}: offline when no endpoint and no
     * key are configured.
     */
    @WithDefault("auto")
    String provider();

    /** Tasks in flight at once per instance (calls, and waits for the rate limit or a retry). */
    @WithDefault("64")
    int concurrency();

    /** Tasks per poll; polling pauses while {@link #concurrency()} tasks are in flight. */
    @WithDefault("500")
    int maxPollRecords();

    /** Create or verify the topics at start; off only where the channels are in memory (tests). */
    @WithDefault("true")
    boolean prepareTopics();

    /**
     * How long a stopping worker lets the calls in flight finish and publish; what is left is
     * redelivered. Kubernetes' terminationGracePeriodSeconds should be a little longer.
     */
    @WithDefault("30s")
    Duration shutdownGrace();

    /** When true, each request names the task's (or process's) model; when false, the configured model answers. */
    @WithDefault("true")
    boolean useTaskModel();

    /** How long to wait for the broker to acknowledge a result before trying to write it again. */
    @WithDefault("30s")
    Duration publishTimeout();

    /** Completion tokens reserved for a process that sets no max_tokens. */
    @WithDefault("512")
    int defaultMaxTokens();

    /** Times an invalid answer (not a label, JSON not valid against the schema) is asked again. */
    @WithDefault("2")
    int maxReasks();

    /** Send extract's JSON Schema as the provider's response format (OpenAI json_schema). */
    @WithDefault("true")
    boolean jsonSchemaResponseFormat();

    RateLimit rateLimit();

    Retry retry();

    Breaker breaker();

    Cache cache();

    /** Prices per million tokens by model name (or name prefix), for the cost of each result. */
    Map<String, Price> prices();

    interface RateLimit {
        /** The provider's request limit per minute; 0 until the provider's headers tell. */
        @WithDefault("0")
        int requestsPerMinute();

        /** The provider's token limit per minute; 0 until the provider's headers tell. */
        @WithDefault("0")
        int tokensPerMinute();

        /**
         * The share of a minute's limit sent at once at most. Providers enforce per-minute limits
         * over shorter windows (600 RPM as 10 a second), so a full minute's burst would be refused.
         */
        @WithDefault("1s")
        Duration burst();

        /**
         * Once a 429 has shown that the provider counts over a window (the burst), the calls
         * granted within the burst plus this margin hold at most the burst's share of each limit:
         * room for the jitter between a call's grant and the provider's count of it. Each
         * millisecond costs about 0.1 % of the limit against a 1 s window.
         */
        @WithDefault("10ms")
        Duration windowMargin();

        /**
         * After this long without a 429 the shared schedule stops pacing (0s: never), so that a
         * provider that refills continuously gets its full rate and burst back; one that counts
         * over windows teaches it again with one 429. Later 429s widen the window margin by 5 ms,
         * up to 10 ms more, before they slow the pace (docs/decisions/12-shared-rate-limits.md).
         */
        @WithDefault("2m")
        Duration unpaceAfter();
    }

    interface Retry {
        /** Calls per task at most, the first included (re-asks not counted). */
        @WithDefault("8")
        int maxAttempts();

        @WithDefault("500ms")
        Duration baseDelay();

        @WithDefault("30s")
        Duration maxDelay();

        /** After this long a task that keeps failing transiently is Failed. */
        @WithDefault("10m")
        Duration maxElapsed();
    }

    interface Breaker {
        /** Transient failures in a row that open the circuit. */
        @WithDefault("5")
        int failureThreshold();

        /** How long an open circuit holds calls before one probe goes through. */
        @WithDefault("10s")
        Duration cooldown();
    }

    interface Cache {
        /** Answers kept; 0 turns the cache off. */
        @WithDefault("10000")
        int size();
    }

    interface Price {
        double inputPerMillion();

        double outputPerMillion();
    }
}
