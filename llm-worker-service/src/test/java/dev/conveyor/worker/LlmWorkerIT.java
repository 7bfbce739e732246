package dev.conveyor.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.RecordDeadLettered;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.schemas.kafka.TaskIds;
import dev.conveyor.schemas.kafka.Topics;
import dev.conveyor.testing.FakeOpenAiServer;
import dev.conveyor.testing.FakeOpenAiServer.ChatRequest;
import dev.conveyor.testing.FakeOpenAiServer.Reply;
import dev.conveyor.testing.KafkaTestResource;
import dev.conveyor.testing.SeedAnswers;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** The worker against a real broker and a fake OpenAI-compatible provider. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(FakeOpenAiResource.class)
class LlmWorkerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String GROUP = "conveyor-llm-worker";

    private static KafkaProducer<String, TaskIssued> tasks;
    private static KafkaProducer<byte[], byte[]> raw;
    private static TopicReader<String, TaskFinished> results;
    private static TopicReader<byte[], RecordDeadLettered> deadLetters;
    private static Admin admin;
    private static final CapturedLogs LOGS = new CapturedLogs();

    @BeforeAll
    static void connect() {
        java.util.logging.Logger.getLogger("").addHandler(LOGS);
        String servers = KafkaTestResource.bootstrapServers();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        tasks = new KafkaProducer<>(props, Topics.LLM_TASKS.keySerde().serializer(),
                Topics.LLM_TASKS.valueSerde().serializer());
        raw = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        results = new TopicReader<>(servers, Topics.LLM_RESULTS);
        deadLetters = new TopicReader<>(servers, Topics.DEAD_LETTER);
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        admin = Admin.create(adminProps);
    }

    @AfterAll
    static void disconnect() {
        java.util.logging.Logger.getLogger("").removeHandler(LOGS);
        for (AutoCloseable client : new AutoCloseable[] {tasks, raw, results, deadLetters, admin}) {
            if (client != null) {
                try {
                    client.close();
                } catch (Exception e) {
                    // closing test clients; nothing to assert
                }
            }
        }
    }

    @BeforeEach
    void answerLikeTheSeed() {
        fake().respondWith(SeedAnswers::reply);
    }

    @Test
    void shouldBeReadyOnceConsuming() {
        RestAssured.when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void shouldCompleteSentimentWithTheLabelAndReportIdsModelAndTokens() throws Exception {
        String model = uniqueModel();
        TaskIssued task = task("sentiment", Map.of("data_column_1", "I love this movie."), model);

        RecordMetadata sent = send(task);
        TaskFinished result = awaitResult(task.getTaskId());

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(result.getOutput()).isEqualTo("Positive");
        assertThat(result.getError()).isNull();
        assertThat(result.getTaskId()).isEqualTo(task.getTaskId());
        assertThat(result.getRunId()).isEqualTo(task.getRunId());
        assertThat(result.getWorkflowId()).isEqualTo(task.getWorkflowId());
        assertThat(result.getReferenceId()).isEqualTo(task.getReferenceId());
        assertThat(result.getSourceConnection()).isEqualTo("S3");
        assertThat(result.getProcessName()).isEqualTo("sentiment");
        assertThat(result.getStageIndex()).isEqualTo(task.getStageIndex());
        assertThat(result.getModel()).as("the model named in the provider's answer").isEqualTo("fake-model");
        assertThat(result.getPromptTokens()).isEqualTo(10);
        assertThat(result.getCompletionTokens()).isEqualTo(3);
        assertThat(result.getIssuedAt()).isEqualTo(task.getIssuedAt());
        assertThat(result.getFinishedAt()).isAfterOrEqualTo(task.getIssuedAt());
        assertThat(result.getLatencyMs()).isGreaterThanOrEqualTo(0);

        List<ChatRequest> requests = requestsFor(model);
        assertThat(requests).hasSize(1);
        ChatRequest request = requests.get(0);
        assertThat(request.model()).isEqualTo(model);
        assertThat(request.lastUserMessage()).isEqualTo("<row>\nI love this movie.\n</row>");
        assertThat(request.body().path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(request.body().path("messages").get(0).path("content").asText())
                .contains("Positive, Negative, Neutral")
                .doesNotContain("I love this movie.");
        assertThatOneResultOnceCommitted(task, sent);
    }

    @Test
    void shouldCompleteSummarizationWithTheProvidersText() throws Exception {
        String model = uniqueModel();
        fake().respondWith(request -> Reply.answer("A great plot."));
        TaskIssued task = task("Summarization", Map.of("data_column_2", "The plot was great."), model);

        RecordMetadata sent = send(task);
        TaskFinished result = awaitResult(task.getTaskId());

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(result.getOutput()).isEqualTo("A great plot.");
        assertThat(requestsFor(model)).singleElement()
                .satisfies(r -> assertThat(r.lastUserMessage()).isEqualTo("<row>\nThe plot was great.\n</row>"));
        assertThatOneResultOnceCommitted(task, sent);
    }

    @Test
    void shouldFailWithTheProvidersReasonWhenItAnswers400() throws Exception {
        String model = uniqueModel();
        fake().respondWith(request -> Reply.error(400, "The model `" + request.model() + "` does not exist"));
        TaskIssued task = task("sentiment", Map.of("data_column_1", "This is boring."), model);

        RecordMetadata sent = send(task);
        TaskFinished result = awaitResult(task.getTaskId());

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getOutput()).isNull();
        assertThat(result.getError()).contains("400").contains("The model `" + model + "` does not exist");
        assertThat(result.getModel()).isEqualTo(model);
        assertThat(requestsFor(model)).as("a 4xx is not retried").hasSize(1);
        assertThatOneResultOnceCommitted(task, sent);
    }

    @Test
    void shouldRetryA500OnceThenFailWithOneResultAndNeverLeakTheKey() throws Exception {
        String model = uniqueModel();
        fake().respondWith(request -> Reply.error(500, "upstream broke, key " + FakeOpenAiResource.API_KEY));
        TaskIssued task = task("sentiment", Map.of("data_column_1", "Amazing performance!"), model);

        RecordMetadata sent = send(task);
        TaskFinished result = awaitResult(task.getTaskId());

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).contains("500").contains("upstream broke")
                .doesNotContain(FakeOpenAiResource.API_KEY);
        assertThat(requestsFor(model)).as("max-retries=1: the first attempt and one client retry").hasSize(2);
        assertThat(LOGS.text()).contains(task.getTaskId()).doesNotContain(FakeOpenAiResource.API_KEY);
        assertThatOneResultOnceCommitted(task, sent);
    }

    @Test
    void shouldFailNamingTheRawAnswerWhenItIsNotALabel() throws Exception {
        String model = uniqueModel();
        fake().respondWith(request -> Reply.answer("Maybe"));
        TaskIssued task = task("sentiment", Map.of("data_column_1", "It dragged a lot."), model);

        RecordMetadata sent = send(task);
        TaskFinished result = awaitResult(task.getTaskId());

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).isEqualTo("answer \"Maybe\" is not one of Positive, Negative, Neutral");
        assertThat(result.getPromptTokens()).isEqualTo(10);
        assertThatOneResultOnceCommitted(task, sent);
    }

    @Test
    void shouldFailAnEmptyColumnWithoutCallingTheModel() throws Exception {
        String model = uniqueModel();
        Map<String, String> inputs = new HashMap<>();
        inputs.put("data_column_1", null);
        TaskIssued task = task("sentiment", inputs, model);

        RecordMetadata sent = send(task);
        TaskFinished result = awaitResult(task.getTaskId());

        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.FAILED);
        assertThat(result.getError()).isEqualTo("column data_column_1 is empty");
        assertThat(result.getModel()).isEqualTo(model);
        assertThatOneResultOnceCommitted(task, sent);
        assertThat(requestsFor(model)).isEmpty();
    }

    @Test
    void shouldDeadLetterAGarbageRecordAndStillCompleteTheNextTask() throws Exception {
        byte[] garbageKey = ("garbage-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        RecordMetadata garbage = raw.send(new ProducerRecord<>(Topics.LLM_TASKS.name(), garbageKey,
                "this is not avro".getBytes(StandardCharsets.UTF_8))).get();
        TaskIssued task = task("sentiment", Map.of("data_column_1", "I love this movie."), uniqueModel());
        // Same partition, right after the garbage record: it must not be held back by it.
        RecordMetadata sent = tasks.send(new ProducerRecord<>(Topics.LLM_TASKS.name(), garbage.partition(),
                task.getTaskId(), task)).get();

        TaskFinished result = awaitResult(task.getTaskId());
        assertThat(result.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(result.getOutput()).isEqualTo("Positive");

        ConsumerRecord<byte[], RecordDeadLettered> dead = await().atMost(DEADLINE).until(
                () -> deadLetters.records().stream()
                        .filter(r -> r.key() != null && java.util.Arrays.equals(r.key(), garbageKey))
                        .findFirst().orElse(null),
                r -> r != null);
        RecordDeadLettered letter = dead.value();
        assertThat(letter.getSourceTopic()).isEqualTo(Topics.LLM_TASKS.name());
        assertThat(letter.getSourcePartition()).isEqualTo(garbage.partition());
        assertThat(letter.getSourceOffset()).isEqualTo(garbage.offset());
        assertThat(letter.getService()).isEqualTo("llm-worker-service");
        assertThat(letter.getReason()).startsWith("undecodable record");
        assertThat(StandardCharsets.UTF_8.decode(letter.getValue()).toString()).isEqualTo("this is not avro");
        assertThatOneResultOnceCommitted(task, sent);
    }

    private static FakeOpenAiServer fake() {
        return FakeOpenAiResource.server();
    }

    private static String uniqueModel() {
        return "model-" + UUID.randomUUID();
    }

    private static List<ChatRequest> requestsFor(String model) {
        return fake().requests().stream().filter(r -> model.equals(r.model())).toList();
    }

    private static TaskIssued task(String process, Map<String, String> inputs, String model) {
        String runId = UUID.randomUUID().toString();
        String referenceId = UUID.randomUUID().toString();
        return TaskIssued.newBuilder()
                .setTaskId(TaskIds.taskId(runId, process, referenceId))
                .setRunId(runId)
                .setWorkflowId(UUID.randomUUID().toString())
                .setReferenceId(referenceId)
                .setSourceConnection("S3")
                .setProcessName(process)
                .setStageIndex(0)
                .setInputs(inputs)
                .setModel(model)
                .setIssuedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    private static RecordMetadata send(TaskIssued task) throws Exception {
        return tasks.send(new ProducerRecord<>(Topics.LLM_TASKS.name(), task.getTaskId(), task)).get();
    }

    private static TaskFinished awaitResult(String taskId) {
        ConsumerRecord<String, TaskFinished> record = await().atMost(DEADLINE).until(
                () -> results.records().stream().filter(r -> taskId.equals(r.key())).findFirst().orElse(null),
                r -> r != null);
        assertThat(record.value().getTaskId()).isEqualTo(taskId);
        return record.value();
    }

    /**
     * The worker commits a task only after its result is acknowledged, so once the task's offset
     * is committed no further result for it can come: counting then is final.
     */
    private static void assertThatOneResultOnceCommitted(TaskIssued task, RecordMetadata sent) {
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        await().atMost(DEADLINE).until(() -> {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata offset = committed.get(partition);
            return offset != null && offset.offset() > sent.offset();
        });
        // Read up to the end of the results topic as it is now, then count.
        Map<TopicPartition, Long> end = results.endOffsets();
        await().atMost(DEADLINE).until(() -> {
            List<ConsumerRecord<String, TaskFinished>> read = results.records();
            return end.entrySet().stream().allMatch(e -> read.stream()
                    .filter(r -> r.partition() == e.getKey().partition())
                    .mapToLong(r -> r.offset() + 1).max().orElse(0) >= e.getValue());
        });
        assertThat(results.seen().stream().filter(r -> task.getTaskId().equals(r.key())))
                .as("results for task %s", task.getTaskId()).hasSize(1);
    }
}
