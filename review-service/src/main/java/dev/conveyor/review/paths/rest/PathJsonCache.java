package dev.conveyor.review.paths.rest;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.conveyor.review.paths.Path;
import dev.conveyor.review.paths.PathStep;

/**
 * The JSON of a whole Path ({@link PathViews#path}) without serializing every step again on each
 * append: a Path's states share their unchanged {@link PathStep} instances (the fold copies the
 * list, not the steps), so a step already rendered for this Path is reused when the same instance
 * is at the same position; an edited step is a new instance and is rendered again. The bytes are
 * exactly those of serializing {@link PathViews#path}. Bounded: the least recently answered Paths
 * are dropped.
 */
final class PathJsonCache {

    static final int CAPACITY = 2_000;

    private record Rendered(List<PathStep> steps, byte[][] json) {
    }

    private final Map<String, Rendered> byPath = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Rendered> eldest) {
            return size() > CAPACITY;
        }
    };

    byte[] path(Path path) {
        Rendered known;
        synchronized (this) {
            known = byPath.get(path.id());
        }
        List<PathStep> steps = path.steps();
        byte[][] json = new byte[steps.size()][];
        int length = 0;
        for (int i = 0; i < json.length; i++) {
            PathStep step = steps.get(i);
            json[i] = known != null && i < known.steps().size() && known.steps().get(i) == step ? known.json()[i]
                    : PathViews.bytes(PathViews.step(step));
            length += json[i].length + 1;
        }
        synchronized (this) {
            byPath.put(path.id(), new Rendered(steps, json));
        }
        ObjectNode head = PathViews.head(path);
        byte[] headJson = PathViews.bytes(head);
        // {head fields} -> {head fields,"steps":[step,step]}
        ByteArrayOutputStream out = new ByteArrayOutputStream(headJson.length + length + 16);
        out.write(headJson, 0, headJson.length - 1);
        out.writeBytes(headJson.length > 2 ? STEPS_AFTER_FIELDS : STEPS_ALONE);
        for (int i = 0; i < json.length; i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(json[i]);
        }
        out.write(']');
        out.write('}');
        return out.toByteArray();
    }

    synchronized void forgetAll() {
        byPath.clear();
    }

    private static final byte[] STEPS_AFTER_FIELDS = ",\"steps\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] STEPS_ALONE = "\"steps\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8);
}
