package dev.conveyor.review.ai;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Task ids derived from the request, so that a re-sent request is the same task (and the same result). */
public final class AiTaskIds {

    private AiTaskIds() {
    }

    public static String taskId(String origin, String requestId) {
        String name = "review-ai\u0000" + origin + '\u0000' + requestId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
