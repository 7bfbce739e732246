package dev.conveyor.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    @Test
    void shouldPutTheLimitOnTheProviderByDefault() {
        BenchSettings s = BenchSettings.from(new Properties());

        assertThat(s.tasks()).isEqualTo(600);
        assertThat(s.latency()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.requestsPerMinute()).isEqualTo(600);
        assertThat(s.tokensPerMinute()).isEqualTo(60_000);
        assertThat(s.concurrency()).isEqualTo(64);
        assertThat(s.burstWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.record()).isFalse();
        assertThat(s.workerProperties()).isEmpty();
        assertThat(s.optionsText()).isEqualTo("defaults");
        // 600 tasks at 10 a second take 60 s at best; give the worker ten times that
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void shouldPassWorkerKnobsThroughAndNameEveryOverride() {
        Properties props = new Properties();
        props.setProperty("bench.tasks", "100");
        props.setProperty("conveyor.worker.concurrency", "32");
        props.setProperty("bench.worker.conveyor.worker.max-poll-records", "256");
        props.setProperty("bench.record", "true");
        props.setProperty("user.home", "/root");

        BenchSettings s = BenchSettings.from(props);

        assertThat(s.tasks()).isEqualTo(100);
        assertThat(s.concurrency()).isEqualTo(32);
        assertThat(s.record()).isTrue();
        assertThat(s.workerProperties()).isEqualTo(Map.of("conveyor.worker.max-poll-records", "256"));
        assertThat(s.optionsText()).isEqualTo("-Dbench.tasks=100 -Dbench.worker.conveyor.worker.max-poll-records=256"
                + " -Dconveyor.worker.concurrency=32");
    }

    @Test
    void shouldPreferBenchConcurrencyOverTheWorkersProperty() {
        Properties props = new Properties();
        props.setProperty("conveyor.worker.concurrency", "32");
        props.setProperty("bench.concurrency", "8");

        assertThat(BenchSettings.from(props).concurrency()).isEqualTo(8);
    }
}
