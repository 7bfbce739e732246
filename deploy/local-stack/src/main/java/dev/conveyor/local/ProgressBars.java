package dev.conveyor.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Renders a run's live progress ({@code GET /workflows/{id}/runs/{runId}}) as one bar per
 * process: the share of its rows with a result, counts, pace and the time left at that pace.
 */
final class ProgressBars {

    private static final int WIDTH = 24;

    private ProgressBars() {
    }

    static List<String> render(JsonNode run) {
        List<String> lines = new ArrayList<>();
        long members = Math.max(run.path("member_count").asLong(), 0);
        int nameWidth = 8;
        for (JsonNode p : run.path("processes")) {
            nameWidth = Math.max(nameWidth, p.path("process_name").asText().length());
        }
        for (JsonNode p : run.path("processes")) {
            long completed = p.path("completed").asLong();
            long failed = p.path("failed").asLong();
            long skipped = p.path("skipped").asLong();
            long done = completed + failed + skipped;
            double share = members == 0 ? 0 : Math.min(1.0, (double) done / members);
            int filled = (int) Math.round(share * WIDTH);
            String bar = "#".repeat(filled) + "-".repeat(WIDTH - filled);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + nameWidth + "s [%s] %3.0f%% %,d/%,d",
                    p.path("process_name").asText(), bar, share * 100, done, members));
            line.append(String.format(Locale.ROOT, "  in flight %,d  failed %,d  skipped %,d",
                    p.path("in_flight").asLong(), failed, skipped));
            double pace = p.path("throughput_per_second").asDouble();
            if (pace > 0 && done < members) {
                line.append(String.format(Locale.ROOT, "  %,.1f/s", pace));
                JsonNode eta = p.path("eta_seconds");
                if (eta.isNumber()) {
                    line.append("  ~").append(duration(eta.asDouble())).append(" left");
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    static boolean finished(JsonNode run) {
        return !run.path("completed_at").isMissingNode() && !run.path("completed_at").isNull();
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
