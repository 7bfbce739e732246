package dev.conveyor.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;

/** A model in memory for unit tests: answers with a function of the request and records requests. */
public final class StubChatModel implements ChatModel {

    private final String defaultModel;
    private final Function<ChatRequest, ChatResponse> answer;
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    public StubChatModel(String defaultModel, Function<ChatRequest, ChatResponse> answer) {
        this.defaultModel = defaultModel;
        this.answer = answer;
    }

    /** Answers with this text, naming the requested model and 7 + 2 tokens. */
    public static StubChatModel answering(String text) {
        return new StubChatModel("default-model", request -> response(text, request.modelName()));
    }

    public static ChatResponse response(String text, String modelName) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(text))
                .modelName(modelName)
                .tokenUsage(new TokenUsage(7, 2))
                .build();
    }

    public List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return DefaultChatRequestParameters.builder().modelName(defaultModel).build();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        requests.add(request);
        return answer.apply(request);
    }
}
