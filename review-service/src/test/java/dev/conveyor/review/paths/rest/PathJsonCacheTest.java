package dev.conveyor.review.paths.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conveyor.review.paths.Path;
import dev.conveyor.review.paths.PathEvents;
import dev.conveyor.review.paths.PathFixtures;
import dev.conveyor.review.paths.PathRules;
import dev.conveyor.review.paths.ResearchWorkflow;

/** The cached rendering of a Path answers exactly the bytes of serializing the whole view, whatever changed. */
class PathJsonCacheTest {

    private static final ResearchWorkflow WORKFLOW = PathFixtures.workflow();

    private final PathJsonCache cache = new PathJsonCache();

    private String plain(Path path) {
        return new String(PathViews.bytes(PathViews.path(path)), StandardCharsets.UTF_8);
    }

    private String cached(Path path) {
        return new String(cache.path(path), StandardCharsets.UTF_8);
    }

    private static Path append(Path path, com.fasterxml.jackson.databind.JsonNode step) {
        return PathEvents.apply(path, PathEvents.appended(path, PathRules.checkAppend(path, WORKFLOW, step), null,
                Instant.now()));
    }

    @Test
    void shouldAnswerTheSameBytesAsTheWholeViewAcrossAppendsEditsAndRemovals() {
        Path path = PathEvents.apply(null, PathEvents.started("0b6f3f7c-3f3e-4c4b-9d7e-1c2b3a4d5e6f", WORKFLOW.id(),
                Instant.parse("2026-11-30T08:00:00Z")));
        assertThat(cached(path)).isEqualTo(plain(path)).contains("\"steps\":[]");
        for (var step : List.of(PathFixtures.goal(), PathFixtures.strategy("true"), PathFixtures.nextProtocol(1, 0),
                PathFixtures.initialValues(1, "{\"temperature_c\": 90, \"solvent\": \"wa\\\"ter\"}"),
                PathFixtures.record(1, 0, "01234567-0123-0123-0123-0123456789ab"))) {
            path = append(path, step);
            assertThat(cached(path)).isEqualTo(plain(path));
        }
        // an edited step is a new instance at its position: rendered again, not taken from the cache
        PathRules.Edit edit = PathRules.checkEdit(path, WORKFLOW, 0, PathFixtures.json("{\"goal\": \"Another goal\"}"));
        path = PathEvents.apply(path, PathEvents.edited(path, edit, Instant.now()));
        assertThat(cached(path)).isEqualTo(plain(path)).contains("Another goal");
        path = PathEvents.apply(path, PathEvents.recordReferenceRemoved(path, 4, Instant.now()));
        assertThat(cached(path)).isEqualTo(plain(path)).contains("\"record_id\":null");
        // a Path read back from its tables has other step instances with the same content
        Path reread = new Path(path.id(), path.workflowId(), path.status(), path.version(),
                path.steps().stream().map(s -> new dev.conveyor.review.paths.PathStep(s.position(), s.step(),
                        s.pathIndex(), s.mode(), s.data().deepCopy(), s.aiOriginal())).toList(),
                path.aiRequests(), path.createdAt(), path.updatedAt());
        assertThat(cached(reread)).isEqualTo(plain(path));
    }
}
