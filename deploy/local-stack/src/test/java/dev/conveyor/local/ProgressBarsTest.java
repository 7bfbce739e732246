package dev.conveyor.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class ProgressBarsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldDrawABarPerProcessWithCountsPaceAndTimeLeft() throws Exception {
        JsonNode run = JSON.readTree("""
                {"member_count": 1000, "completed_at": null, "processes": [
                  {"process_name": "sentiment", "completed": 990, "failed": 10, "skipped": 0, "in_flight": 0,
                   "throughput_per_second": 50.0, "eta_seconds": 0.0},
                  {"process_name": "summarization", "completed": 240, "failed": 0, "skipped": 10, "in_flight": 20,
                   "throughput_per_second": 12.5, "eta_seconds": 60.0}]}
                """);

        assertThat(ProgressBars.render(run)).containsExactly(
                "sentiment     [########################] 100% 1,000/1,000  in flight 0  failed 10  skipped 0",
                "summarization [######------------------]  25% 250/1,000  in flight 20  failed 0  skipped 10"
                        + "  12.5/s  ~1 min 0 s left");
        assertThat(ProgressBars.finished(run)).isFalse();
    }

    @Test
    void shouldKnowAFinishedRun() throws Exception {
        assertThat(ProgressBars.finished(JSON.readTree("{\"completed_at\": \"2026-01-01T00:00:00Z\"}"))).isTrue();
    }
}
