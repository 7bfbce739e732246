package dev.conveyor.e2e.bench;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.testing.RateLimitedProvider;

/**
 * The figures of one measured run, and how they are printed.
 *
 * <p>The bound is what the provider and the worker's concurrency allow at best:
 * min(RPM / 60, TPM / 60 / tokens reserved per admitted call, concurrency / latency) calls a
 * second. Throughput counts completed tasks only, so a worker that fails tasks fast gains
 * nothing. The target is a ratio of at least 0.95 with under 1 % of calls answered 429, and no
 * task failed, lost or duplicated.
 */
record BenchReport(BenchSettings settings, String label, LocalDate date, int tasks, int distinct, long duplicates,
        Map<TaskOutcome, Long> outcomes, double wallSeconds, double completedPerSecond, double bound,
        String bindingLimit, double ratio, RateLimitedProvider.Counters provider, long p50Millis, long p99Millis,
        double cpuMillisPerTask, double cpuMillisPerRequest, long unexpectedAnswers,
        Map<String, Long> topFailures, List<String> deadLetters) {

    static final double TARGET_RATIO = 0.95;
    static final double TARGET_REJECTED_SHARE = 0.01;

    /** What was observed during the measured run. */
    record Measurement(BenchSettings settings, String label, int tasks, List<ResultCollector.Received> results,
            long duplicates, long startMillis, long endMillis, RateLimitedProvider.Counters provider,
            Duration workerCpu, Map<String, String> expectedAnswers, List<String> deadLetters) {
    }

    static BenchReport of(Measurement m) {
        List<TaskFinished> results = m.results().stream().map(ResultCollector.Received::result).toList();
        Map<TaskOutcome, Long> outcomes = new LinkedHashMap<>();
        for (TaskOutcome outcome : TaskOutcome.values()) {
            outcomes.put(outcome, results.stream().filter(r -> r.getOutcome() == outcome).count());
        }
        double wall = Math.max(1, m.endMillis() - m.startMillis()) / 1000.0;
        double completedPerSecond = outcomes.get(TaskOutcome.COMPLETED) / wall;

        BenchSettings s = m.settings();
        Map<String, Double> limits = new LinkedHashMap<>();
        limits.put("RPM", s.requestsPerMinute() / 60.0);
        if (m.provider().answered() > 0) {
            limits.put("TPM", s.tokensPerMinute() / 60.0 / m.provider().tokensPerAnswer());
        }
        if (!s.latency().isZero()) {
            limits.put("concurrency", s.concurrency() / (s.latency().toNanos() / 1e9));
        }
        Map.Entry<String, Double> binding = limits.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow();

        List<Long> latencies = results.stream()
                .map(r -> Duration.between(r.getIssuedAt(), r.getFinishedAt()).toMillis()).sorted().toList();
        double cpuMillis = m.workerCpu().toNanos() / 1e6;
        long unexpected = results.stream().filter(r -> r.getOutcome() == TaskOutcome.COMPLETED)
                .filter(r -> !String.valueOf(m.expectedAnswers().get(r.getTaskId())).equals(r.getOutput())).count();
        Map<String, Long> failures = results.stream().filter(r -> r.getOutcome() == TaskOutcome.FAILED)
                .collect(Collectors.groupingBy(r -> failureKind(r.getError()), Collectors.counting()))
                .entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(3)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));

        return new BenchReport(s, m.label(), LocalDate.now(ZoneOffset.UTC), m.tasks(), results.size(), m.duplicates(),
                outcomes, wall, completedPerSecond, binding.getValue(), binding.getKey(),
                completedPerSecond / binding.getValue(), m.provider(), percentile(latencies, 0.50),
                percentile(latencies, 0.99), cpuMillis / m.tasks(),
                m.provider().requests() == 0 ? 0 : cpuMillis / m.provider().requests(), unexpected, failures,
                m.deadLetters());
    }

    /** Nearest-rank percentile of sorted values; 0 when there are none. */
    static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
    }

    long lost() {
        return tasks - distinct;
    }

    boolean meetsTarget() {
        return ratio >= TARGET_RATIO && provider.rejectedShare() < TARGET_REJECTED_SHARE
                && outcomes.get(TaskOutcome.FAILED) == 0 && outcomes.get(TaskOutcome.SKIPPED) == 0
                && duplicates == 0 && lost() == 0;
    }

    static final String TABLE_HEADER = """
            | date | worker | tasks | limits | latency | concurrency | wall | completed/s | bound/s | ratio \
            | 429s | calls/task | p50 / p99 | CPU/task | completed / failed | duplicates | target | options |
            |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|""";

    String markdownRow() {
        BenchSettings s = settings;
        return "| " + String.join(" | ",
                date.toString(),
                label.replace("|", "/"),
                Integer.toString(tasks),
                s.requestsPerMinute() + " RPM, " + s.tokensPerMinute() + " TPM, " + s.burstWindow().toMillis()
                        + " ms burst",
                s.latency().toMillis() + " ms",
                Integer.toString(s.concurrency()),
                fixed(wallSeconds, 1) + " s",
                fixed(completedPerSecond, 2),
                fixed(bound, 2) + " (" + bindingLimit + ")",
                "**" + fixed(ratio, 3) + "**",
                percent(provider.rejectedShare()),
                fixed((double) provider.requests() / tasks, 2),
                p50Millis + " / " + p99Millis + " ms",
                fixed(cpuMillisPerTask, 1) + " ms",
                outcomes.get(TaskOutcome.COMPLETED) + " / " + outcomes.get(TaskOutcome.FAILED)
                        + (outcomes.get(TaskOutcome.SKIPPED) > 0 ? " (+" + outcomes.get(TaskOutcome.SKIPPED)
                                + " skipped)" : "")
                        + (lost() > 0 ? " (" + lost() + " lost)" : ""),
                Long.toString(duplicates),
                meetsTarget() ? "met" : "missed",
                "`" + s.optionsText() + "`") + " |";
    }

    String summary() {
        StringBuilder text = new StringBuilder();
        Function<String, StringBuilder> line = l -> text.append(l).append('\n');
        line.apply("LLM worker at a provider's rate limit (" + label + ")");
        line.apply(String.format(Locale.ROOT, "  provider: %d RPM, %d TPM, burst %d ms, latency %d ms; worker concurrency %d",
                settings.requestsPerMinute(), settings.tokensPerMinute(), settings.burstWindow().toMillis(),
                settings.latency().toMillis(), settings.concurrency()));
        line.apply(String.format(Locale.ROOT, "  tasks %d: results %d, lost %d, duplicates %d; outcomes %s",
                tasks, distinct, lost(), duplicates, outcomes));
        line.apply(String.format(Locale.ROOT, "  wall %.1f s; completed %.2f/s; bound %.2f/s (%s); ratio %.3f",
                wallSeconds, completedPerSecond, bound, bindingLimit, ratio));
        line.apply(String.format(Locale.ROOT,
                "  provider calls %d: answered %d, 429 %d (%s); %.2f calls a task; %.0f tokens reserved a call",
                provider.requests(), provider.answered(), provider.rejected(), percent(provider.rejectedShare()),
                (double) provider.requests() / tasks, provider.tokensPerAnswer()));
        line.apply(String.format(Locale.ROOT, "  task latency (finished - issued) p50 %d ms, p99 %d ms",
                p50Millis, p99Millis));
        line.apply(String.format(Locale.ROOT, "  worker CPU %.1f ms a task, %.1f ms a provider call",
                cpuMillisPerTask, cpuMillisPerRequest));
        if (unexpectedAnswers > 0) {
            line.apply("  completed with an unexpected answer: " + unexpectedAnswers);
        }
        topFailures.forEach((reason, count) -> line.apply("  failed x" + count + ": " + reason));
        deadLetters.stream().limit(3).forEach(d -> line.apply("  dead-lettered: " + shorten(d, 200)));
        line.apply("  target (ratio >= " + TARGET_RATIO + ", 429s < 1 %, none failed, lost or duplicated): "
                + (meetsTarget() ? "met" : "missed"));
        return text.toString();
    }

    /** A failure reason with its figures (limits, remaining, waits) blanked, so that alike reasons group. */
    static String failureKind(String error) {
        String kind = String.valueOf(error).replaceAll("(?<!HTTP )\\b\\d+(?:\\.\\d+)?(?:ms|s)?\\b", "#");
        return shorten(kind, 120);
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", share * 100);
    }

    private static String shorten(String text, int max) {
        String one = text.replaceAll("\\s+", " ").strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
