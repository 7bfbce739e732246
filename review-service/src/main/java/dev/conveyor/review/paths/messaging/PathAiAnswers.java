package dev.conveyor.review.paths.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import dev.conveyor.review.ai.AiAnswer;
import dev.conveyor.review.ai.AiAnswerHandler;
import dev.conveyor.review.paths.service.PathService;
import dev.conveyor.schemas.TaskOrigins;

/** The AI's answers to Path step requests, from the ai-results channel. */
@ApplicationScoped
public class PathAiAnswers implements AiAnswerHandler {

    private final PathService paths;

    public PathAiAnswers(PathService paths) {
        this.paths = paths;
    }

    @Override
    public String origin() {
        return TaskOrigins.PATH;
    }

    @Override
    public void apply(AiAnswer answer) {
        paths.applyAiAnswer(answer);
    }
}
