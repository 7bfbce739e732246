package dev.conveyor.worker.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;

/** Calls an OpenAI-compatible endpoint through quarkus-langchain4j's chat model. */
public final class OpenAiModelCaller implements ModelCaller {

    private final ChatModel model;
    private final boolean jsonSchemaResponseFormat;

    public OpenAiModelCaller(ChatModel model, boolean jsonSchemaResponseFormat) {
        this.model = model;
        this.jsonSchemaResponseFormat = jsonSchemaResponseFormat;
    }

    @Override
    public ModelReply call(ModelRequest request) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(request.system()));
        for (ModelRequest.Turn turn : request.turns()) {
            messages.add(turn.fromModel() ? AiMessage.from(turn.text()) : UserMessage.from(turn.text()));
        }
        ChatRequest.Builder chat = ChatRequest.builder().messages(messages);
        if (request.model() != null && !request.model().isBlank()) {
            chat.modelName(request.model());
        }
        if (request.temperature() != null) {
            chat.temperature(request.temperature());
        }
        if (request.maxTokens() != null) {
            chat.maxOutputTokens(request.maxTokens());
        }
        if (request.jsonSchema() != null && jsonSchemaResponseFormat) {
            chat.responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON)
                    .jsonSchema(JsonSchema.builder().name("answer")
                            .rootElement(JsonRawSchema.from(request.jsonSchema())).build())
                    .build());
        }
        ChatResponse response = model.chat(chat.build());
        TokenUsage usage = response.tokenUsage();
        String answeredBy = Optional.ofNullable(response.modelName()).filter(m -> !m.isBlank())
                .orElse(request.model());
        return new ModelReply(response.aiMessage() == null ? null : response.aiMessage().text(), answeredBy,
                usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount());
    }
}
