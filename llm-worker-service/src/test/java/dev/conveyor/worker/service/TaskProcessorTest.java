package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.worker.StubChatModel;
import dev.conveyor.worker.TestConfig;
import dev.conveyor.worker.Tasks;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.response.ChatResponse;

class TaskProcessorTest {

    private static final String KEY = "sk-unit-test-key-42";

    @Test
    void shouldSendASystemAndAUserMessageNamingTheTasksModel() {
        StubChatModel model = StubChatModel.answering("positive.");
        TaskIssued task = Tasks.task("sentiment", Map.of("c", "I love it"), "gpt-4");

        TaskFinished result = processor(model, true).process(task);

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(result.getOutput()).isEqualTo("Positive");
        assertThat(result.getModel()).isEqualTo("gpt-4");
        assertThat(result.getPromptTokens()).isEqualTo(7);
        assertThat(result.getCompletionTokens()).isEqualTo(2);
        assertThat(result.getStageIndex()).isEqualTo(1);
        assertThat(result.getIssuedAt()).isEqualTo(task.getIssuedAt());
        assertThat(model.requests()).singleElement().satisfies(request -> {
            assertThat(request.modelName()).isEqualTo("gpt-4");
            assertThat(request.messages()).hasSize(2);
            assertThat(request.messages().get(0)).isInstanceOf(SystemMessage.class);
            assertThat(((UserMessage) request.messages().get(1)).singleText()).isEqualTo("<row>\nI love it\n</row>");
        });
    }

    @Test
    void shouldUseTheConfiguredModelWhenTaskModelsAreOff() {
        StubChatModel model = new StubChatModel("configured-model",
                request -> StubChatModel.response("A short summary.", null));
        TaskIssued task = Tasks.task("summary", Map.of("c", "Long text"), "gpt-4");

        TaskFinished result = processor(model, false).process(task);

        assertThat(model.requests()).singleElement()
                .satisfies(request -> assertThat(request.modelName()).isEqualTo("configured-model"));
        assertThat(result.getOutput()).isEqualTo("A short summary.");
        assertThat(result.getModel()).as("no model in the answer: the requested one").isEqualTo("configured-model");
    }

    @Test
    void shouldReportTheModelThatAnswered() {
        StubChatModel model = new StubChatModel("d", request -> StubChatModel.response("Neutral", "gpt-4-0613"));

        TaskFinished result = processor(model, true).process(Tasks.task("sentiment", Map.of("c", "ok"), "gpt-4"));

        assertThat(result.getModel()).isEqualTo("gpt-4-0613");
    }

    @Test
    void shouldTurnAThrowingCallIntoAFailedResultWithoutTheKey() {
        StubChatModel model = new StubChatModel("d", request -> {
            throw new HttpException(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY + "\"}}");
        });

        TaskFinished result = processor(model, true).process(Tasks.task("sentiment", Map.of("c", "x"), "gpt-4"));

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).startsWith("model call failed with HTTP 401: Incorrect API key provided")
                .doesNotContain(KEY);
        assertThat(result.getOutput()).isNull();
    }

    @Test
    void shouldFailAnAnswerThatIsNotALabelKeepingTheRawAnswer() {
        TaskFinished result = processor(StubChatModel.answering("  I think mixed  "), true)
                .process(Tasks.task("sentiment", Map.of("c", "x"), "gpt-4"));

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).isEqualTo("answer \"I think mixed\" is not one of Positive, Negative, Neutral");
    }

    @Test
    void shouldFailAnEmptyAnswer() {
        StubChatModel model = new StubChatModel("d",
                request -> ChatResponse.builder().aiMessage(AiMessage.from(" ")).build());

        TaskFinished result = processor(model, true).process(Tasks.task("summary", Map.of("c", "x"), "gpt-4"));

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).isEqualTo("the model returned an empty answer");
    }

    @Test
    void shouldFailAnEmptyColumnWithoutCallingTheModel() {
        StubChatModel model = StubChatModel.answering("Positive");

        TaskFinished result = processor(model, true).process(Tasks.task("sentiment", Map.of("c", ""), "gpt-4"));

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).isEqualTo("column c is empty");
        assertThat(model.requests()).isEmpty();
    }

    @Test
    void shouldKeepAGenericAnswerAsItIs() {
        TaskFinished result = processor(StubChatModel.answering("Bonjour\n"), true)
                .process(Tasks.task("translate", Map.of("c", "Hello"), "gpt-4"));

        assertThat(result.getOutput()).isEqualTo("Bonjour");
    }

    static TaskProcessor processor(StubChatModel model, boolean useTaskModel) {
        return new TaskProcessor(model, new PromptFactory(), new FailureReasons(Optional.of(KEY)),
                TestConfig.worker(useTaskModel, 4));
    }
}
