package dev.conveyor.review.ai;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.conveyor.schemas.TaskFinished;
import io.smallrye.reactive.messaging.annotations.Blocking;

/**
 * Reads {@code conveyor.llm-results} in review-service's own AI consumer group and hands each
 * result that a review-service aggregate asked for to that aggregate's handler. Results of
 * workflow runs (no origin) are the Result table's business and are skipped here.
 */
@ApplicationScoped
public class AiResultsConsumer {

    static final String CHANNEL = "ai-results";
    private static final Logger LOG = Logger.getLogger(AiResultsConsumer.class);

    private final Map<String, AiAnswerHandler> handlers;

    public AiResultsConsumer(Instance<AiAnswerHandler> handlers) {
        this.handlers = handlers.stream().collect(Collectors.toMap(AiAnswerHandler::origin, Function.identity()));
    }

    @Incoming(CHANNEL)
    @Blocking(ordered = true)
    public void onResult(TaskFinished result) {
        if (result == null || result.getOrigin() == null) {
            return; // undecodable (the Result table's consumer dead-letters it) or a workflow run's result
        }
        AiAnswerHandler handler = handlers.get(result.getOrigin());
        if (handler == null) {
            return; // another service's origin
        }
        try {
            handler.apply(AiAnswer.of(result));
        } catch (RuntimeException e) {
            // one bad answer must not stop the channel: the handler records failures it can attribute
            LOG.errorf(e, "Cannot apply AI result %s (origin %s, request %s)", result.getTaskId(),
                    result.getOrigin(), result.getReferenceId());
        }
    }
}
