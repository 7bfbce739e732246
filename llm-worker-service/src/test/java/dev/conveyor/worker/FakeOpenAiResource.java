package dev.conveyor.worker;

import java.util.Map;

import dev.conveyor.testing.FakeOpenAiServer;
import dev.conveyor.testing.FakeOpenAiServer.Reply;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the worker's OpenAI client at a {@link FakeOpenAiServer}. The server is static so
 * tests can script its replies and read the requests it saw.
 */
public class FakeOpenAiResource implements QuarkusTestResourceLifecycleManager {

    public static final String API_KEY = "sk-test-0123456789abcdef";

    private static volatile FakeOpenAiServer server;

    public static FakeOpenAiServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = FakeOpenAiServer.start(request -> Reply.answer("Neutral"));
        return Map.of(
                "quarkus.langchain4j.openai.base-url", server.baseUrl(),
                "quarkus.langchain4j.openai.api-key", API_KEY);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
