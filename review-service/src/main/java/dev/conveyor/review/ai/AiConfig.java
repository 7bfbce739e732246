package dev.conveyor.review.ai;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The AI work review-service asks of the LLM workers. */
@ConfigMapping(prefix = "conveyor.review.ai")
public interface AiConfig {

    /** Model named on the tasks; the worker may use its own (use-task-model=false) or the offline model. */
    @WithDefault("gpt-4o-mini")
    String model();
}
