package dev.conveyor.review.ai;

/**
 * An aggregate that asked for AI work and applies the answers. Implementations are CDI beans;
 * {@link AiResultsConsumer} hands each one only the answers of its {@link #origin()}. Answers may
 * be delivered more than once: applying one must be idempotent.
 */
public interface AiAnswerHandler {

    /** The {@link dev.conveyor.schemas.TaskOrigins} value this handler owns. */
    String origin();

    void apply(AiAnswer answer);
}
