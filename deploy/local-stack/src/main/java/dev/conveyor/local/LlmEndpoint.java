package dev.conveyor.local;

import java.util.Map;
import java.util.Optional;

/**
 * The OpenAI-compatible endpoint the worker calls: base URL, key and model, read from the
 * environment (CONVEYOR_LLM_BASE_URL, CONVEYOR_LLM_API_KEY or OPENAI_API_KEY, CONVEYOR_LLM_MODEL).
 * The key is never printed: {@link #toString()} leaves it out.
 */
public record LlmEndpoint(String baseUrl, String apiKey, String model) {

    public static final String HOW_TO_CONFIGURE = String.join("\n",
            "To use a real model instead of the offline one, set one of:",
            "  OpenAI:            export OPENAI_API_KEY=sk-...            (optional: CONVEYOR_LLM_MODEL=gpt-4o-mini)",
            "  Any OpenAI-compatible server (Ollama, vLLM, LiteLLM, ...):",
            "                     export CONVEYOR_LLM_BASE_URL=http://localhost:11434/v1",
            "                     export CONVEYOR_LLM_MODEL=llama3.1",
            "                     export CONVEYOR_LLM_API_KEY=...          (if the server wants one)",
            "and run the command again.");

    public static Optional<LlmEndpoint> fromEnvironment(Map<String, String> env) {
        String baseUrl = blankToNull(env.get("CONVEYOR_LLM_BASE_URL"));
        String key = blankToNull(env.get("CONVEYOR_LLM_API_KEY"));
        if (key == null) {
            key = blankToNull(env.get("OPENAI_API_KEY"));
        }
        if (baseUrl == null && key == null) {
            return Optional.empty();
        }
        String model = Optional.ofNullable(blankToNull(env.get("CONVEYOR_LLM_MODEL"))).orElse("gpt-4o-mini");
        return Optional.of(new LlmEndpoint(baseUrl == null ? "https://api.openai.com/v1" : baseUrl,
                key == null ? "none" : key, model));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "LlmEndpoint[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=(hidden)]";
    }
}
