package dev.conveyor.e2e.bench;

import dev.conveyor.testing.RateLimitedProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The benchmark's knobs, from system properties ({@code -Dbench.*} on the Maven command line).
 * {@code -Dbench.worker.<key>=<value>} goes to the worker as {@code -D<key>=<value>}.
 *
 * @param tasks tasks in the measured run ({@code bench.tasks}, 600)
 * @param latency the provider's latency per admitted call ({@code bench.latency-ms}, 200)
 * @param requestsPerMinute the provider's RPM limit ({@code bench.rpm}, 600)
 * @param tokensPerMinute the provider's TPM limit ({@code bench.tpm}, 60000)
 * @param burstWindow how much of a minute's limit the provider lets through at once
 *        ({@code bench.burst-ms}, 1000: OpenAI's "quantized" limits)
 * @param concurrency the worker's {@code conveyor.worker.concurrency} ({@code bench.concurrency} or
 *        {@code conveyor.worker.concurrency}, 64)
 * @param warmupTasks tasks run first, unmeasured, so that the worker's JIT is warm ({@code bench.warmup}, 20)
 * @param timeout how long to wait for all results ({@code bench.timeout-s}, ten times the ideal time, at least 5 min)
 * @param grace how long to keep listening after the last result, for duplicates ({@code bench.grace-ms}, 3000)
 * @param model the model the tasks name ({@code bench.model}, gpt-4o-mini)
 * @param record append the row to docs/benchmarks.md ({@code bench.record}, false)
 * @param label what the row calls the worker ({@code bench.label}, the checkout's commit)
 * @param repoRoot where the packaged worker is ({@code bench.repo-root}, else {@code conveyor.repo.root})
 * @param workerProperties {@code bench.worker.*} passed through
 * @param overrides every {@code bench.*} and {@code conveyor.worker.*} property given, for the record
 * @param instances worker instances sharing the group and the provider's key ({@code bench.instances}, 1)
 * @param enforcement how the provider counts its limit over the burst window ({@code bench.enforcement}:
 *        token-bucket, fixed-window or sliding-window; token-bucket)
 */
public record BenchSettings(int tasks, Duration latency, int requestsPerMinute, long tokensPerMinute,
        Duration burstWindow, int concurrency, int warmupTasks, Duration timeout, Duration grace, String model,
        boolean record, String label, Path repoRoot, Map<String, String> workerProperties,
        Map<String, String> overrides, int instances, RateLimitedProvider.Enforcement enforcement) {

    private static final String WORKER_PREFIX = "bench.worker.";

    public static BenchSettings from(Properties props) {
        int tasks = intOf(props, "bench.tasks", 600);
        int rpm = intOf(props, "bench.rpm", 600);
        long tpm = Long.parseLong(props.getProperty("bench.tpm", "60000"));
        int concurrency = intOf(props, "bench.concurrency", intOf(props, "conveyor.worker.concurrency", 64));
        if (tasks < 1 || rpm < 1 || tpm < 1 || concurrency < 1) {
            throw new IllegalArgumentException("bench.tasks, bench.rpm, bench.tpm and bench.concurrency must be >= 1");
        }
        long idealSeconds = (long) Math.ceil(tasks / (rpm / 60.0));
        Duration timeout = Duration.ofSeconds(Long.parseLong(props.getProperty("bench.timeout-s",
                Long.toString(Math.max(300, 10 * idealSeconds)))));
        String root = props.getProperty("bench.repo-root", props.getProperty("conveyor.repo.root", ".."));

        Map<String, String> worker = new TreeMap<>();
        Map<String, String> overrides = new TreeMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith(WORKER_PREFIX) && name.length() > WORKER_PREFIX.length()) {
                worker.put(name.substring(WORKER_PREFIX.length()), props.getProperty(name));
            }
            boolean knob = (name.startsWith("bench.") || name.startsWith("conveyor.worker."))
                    && !name.equals("bench.record") && !name.equals("bench.label") && !name.equals("bench.repo-root");
            if (knob) {
                overrides.put(name, props.getProperty(name));
            }
        }
        return new BenchSettings(tasks,
                Duration.ofMillis(Long.parseLong(props.getProperty("bench.latency-ms", "200"))),
                rpm, tpm,
                Duration.ofMillis(Long.parseLong(props.getProperty("bench.burst-ms", "1000"))),
                concurrency,
                intOf(props, "bench.warmup", 20),
                timeout,
                Duration.ofMillis(Long.parseLong(props.getProperty("bench.grace-ms", "3000"))),
                props.getProperty("bench.model", "gpt-4o-mini"),
                Boolean.parseBoolean(props.getProperty("bench.record", "false")),
                props.getProperty("bench.label", ""),
                Path.of(root).toAbsolutePath().normalize(),
                Collections.unmodifiableMap(worker), Collections.unmodifiableMap(overrides),
                Math.max(1, intOf(props, "bench.instances", 1)),
                RateLimitedProvider.Enforcement.valueOf(props.getProperty("bench.enforcement", "token-bucket")
                        .strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
    }

    /** The {@code -D} options given, as they would be typed, or "defaults". */
    public String optionsText() {
        if (overrides.isEmpty()) {
            return "defaults";
        }
        StringBuilder text = new StringBuilder();
        overrides.forEach((k, v) -> text.append(text.length() == 0 ? "" : " ").append("-D").append(k).append('=')
                .append(v));
        return text.toString();
    }

    private static int intOf(Properties props, String name, int fallback) {
        String value = props.getProperty(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    }
}
