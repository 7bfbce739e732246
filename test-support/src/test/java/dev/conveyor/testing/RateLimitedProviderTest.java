package dev.conveyor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class RateLimitedProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LIMIT_HEADERS = List.of(
            "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests",
            "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens");

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @Test
    void shouldAdmitExactlyTheRequestLimitThenAnswer429WithRetryAfter() {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(600).tokensPerMinute(10_000_000)
                .clock(clock::get).build();

        List<FakeOpenAiServer.Reply> admitted = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            admitted.add(provider.reply(sentiment("I love it " + i, 5)));
        }
        FakeOpenAiServer.Reply beyond = provider.reply(sentiment("one too many", 5));

        assertThat(admitted).extracting(FakeOpenAiServer.Reply::status).containsOnly(200);
        assertThat(beyond.status()).isEqualTo(429);
        assertThat(beyond.headers())
                .containsEntry("Retry-After", "1")
                .containsEntry("retry-after-ms", "100")
                .containsEntry("x-ratelimit-limit-requests", "600")
                .containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-reset-requests", "1m0s")
                .containsEntry("x-ratelimit-limit-tokens", "10000000");
        assertThat(json(beyond.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(json(beyond.body()).path("error").path("type").asText()).isEqualTo("requests");
        assertThat(provider.counters()).isEqualTo(new RateLimitedProvider.Counters(601, 600, 1,
                provider.counters().admittedTokens()));

        clock.addAndGet(Duration.ofMillis(100).toNanos()); // one request refills in 60 s / 600
        assertThat(provider.reply(sentiment("after the wait", 5)).status()).isEqualTo(200);
        assertThat(provider.reply(sentiment("too soon again", 5)).status()).isEqualTo(429);
    }

    @Test
    void shouldRejectOnTokensWhenRequestsRemainCountingPromptPlusMaxTokens() {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(1000).tokensPerMinute(1000)
                .clock(clock::get).build();
        // 2 + (4 + 16 chars / 4) prompt tokens + 90 reserved for the answer = 100 tokens a request
        FakeOpenAiServer.ChatRequest request = request("sixteen chars!!!", "max_tokens", 90);
        assertThat(RateLimitedProvider.estimatePromptTokens(request.body())).isEqualTo(10);

        for (int i = 0; i < 10; i++) {
            assertThat(provider.reply(request).status()).isEqualTo(200);
        }
        FakeOpenAiServer.Reply beyond = provider.reply(request);

        assertThat(beyond.status()).isEqualTo(429);
        assertThat(json(beyond.body()).path("error").path("type").asText()).isEqualTo("tokens");
        assertThat(beyond.headers())
                .containsEntry("Retry-After", "6") // 100 tokens at 1000 a minute
                .containsEntry("retry-after-ms", "6000")
                .containsEntry("x-ratelimit-remaining-tokens", "0")
                .containsEntry("x-ratelimit-reset-tokens", "1m0s")
                .containsEntry("x-ratelimit-remaining-requests", "990");
        assertThat(provider.counters().admittedTokens()).isEqualTo(1000);
        assertThat(provider.counters().tokensPerAnswer()).isEqualTo(100.0);
    }

    @Test
    void shouldPreferMaxCompletionTokensAndReserveADefaultWhenNoneIsSet() {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(1000).tokensPerMinute(1000)
                .defaultMaxTokens(16).clock(clock::get).build();
        ObjectNode both = (ObjectNode) request("sixteen chars!!!", "max_tokens", 500).body();
        both.put("max_completion_tokens", 40);

        provider.reply(new FakeOpenAiServer.ChatRequest(both));
        provider.reply(request("sixteen chars!!!", "temperature", 0));

        assertThat(provider.counters().admittedTokens()).isEqualTo((10 + 40) + (10 + 16));
    }

    @Test
    void shouldHoldOnlyTheBurstWindowsShareOfTheLimitWhenQuantized() {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(600).tokensPerMinute(10_000_000)
                .burstWindow(Duration.ofSeconds(1)).clock(clock::get).build();

        assertThat(admittedInARow(provider, 50)).isEqualTo(10);
        clock.addAndGet(Duration.ofSeconds(6).toNanos()); // refills at 10/s but holds at most 10
        assertThat(admittedInARow(provider, 50)).isEqualTo(10);
        clock.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(admittedInARow(provider, 50)).isEqualTo(5);
        assertThat(provider.untilFull()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void shouldPutTheLimitHeadersOnEveryAnswerAndCountDown() {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(600).tokensPerMinute(60_000)
                .clock(clock::get).build();

        FakeOpenAiServer.Reply first = provider.reply(sentiment("The plot was great", 5));
        FakeOpenAiServer.Reply second = provider.reply(sentiment("It dragged a lot", 5));

        assertThat(first.headers()).containsKeys(LIMIT_HEADERS.toArray(String[]::new)).doesNotContainKey("Retry-After");
        assertThat(first.headers()).containsEntry("x-ratelimit-remaining-requests", "599")
                .containsEntry("x-ratelimit-reset-requests", "100ms");
        assertThat(second.headers()).containsEntry("x-ratelimit-remaining-requests", "598")
                .containsEntry("x-ratelimit-reset-requests", "200ms");
        assertThat(Long.parseLong(second.headers().get("x-ratelimit-remaining-tokens")))
                .isLessThan(Long.parseLong(first.headers().get("x-ratelimit-remaining-tokens")));
    }

    @Test
    void shouldAnswerTheSentimentLabelWithUsageAfterTheLatency() {
        RateLimitedProvider provider = RateLimitedProvider.builder().latency(Duration.ofMillis(200))
                .clock(clock::get).build();
        FakeOpenAiServer.ChatRequest request = sentiment("It dragged a lot and was boring", 5);

        FakeOpenAiServer.Reply reply = provider.reply(request);

        JsonNode body = json(reply.body());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.delayMillis()).isEqualTo(200);
        assertThat(body.path("choices").path(0).path("message").path("content").asText()).isEqualTo("Negative");
        assertThat(body.path("usage").path("prompt_tokens").asInt())
                .isEqualTo(RateLimitedProvider.estimatePromptTokens(request.body()));
        assertThat(body.path("usage").path("completion_tokens").asInt()).isPositive();
    }

    @Test
    void shouldShapeTheLabelAsJsonWhenAskedForAJsonSchema() {
        RateLimitedProvider provider = RateLimitedProvider.builder().clock(clock::get).build();
        ObjectNode body = (ObjectNode) sentiment("I love this", 5).body();
        ObjectNode format = body.putObject("response_format");
        format.put("type", "json_schema");
        format.putObject("json_schema").putObject("schema").putObject("properties").putObject("label")
                .put("type", "string");

        String content = json(provider.reply(new FakeOpenAiServer.ChatRequest(body)).body())
                .path("choices").path(0).path("message").path("content").asText();

        assertThat(json(content).path("label").asText()).isEqualTo("Positive");
    }

    @Test
    void shouldAdmitExactlyTheLimitUnderConcurrentCalls() throws Exception {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(300).tokensPerMinute(10_000_000)
                .clock(clock::get).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> callers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                callers.add(() -> {
                    int ok = 0;
                    for (int i = 0; i < 100; i++) {
                        ok += provider.reply(sentiment("thread " + thread + " call " + i, 5)).status() == 200 ? 1 : 0;
                    }
                    return ok;
                });
            }
            int ok = 0;
            for (Future<Integer> result : pool.invokeAll(callers)) {
                ok += result.get();
            }

            assertThat(ok).isEqualTo(300);
            assertThat(provider.counters().requests()).isEqualTo(800);
            assertThat(provider.counters().answered()).isEqualTo(300);
            assertThat(provider.counters().rejected()).isEqualTo(500);
            assertThat(provider.counters().rejectedShare()).isEqualTo(0.625);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldSendTheHeadersOverHttpThroughTheFakeServer() throws Exception {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(1).tokensPerMinute(10_000)
                .latency(Duration.ZERO).build();
        try (FakeOpenAiServer server = FakeOpenAiServer.start(provider)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest post = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(sentiment("I love it", 5).body().toString())).build();

            HttpResponse<String> ok = http.send(post, HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> limited = http.send(post, HttpResponse.BodyHandlers.ofString());

            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).hasValue("60");
            for (String header : LIMIT_HEADERS) {
                assertThat(limited.headers().firstValue(header)).as(header).isPresent();
            }
        }
    }

    @Test
    void shouldFormatResetsAsOpenAiDoes() {
        assertThat(RateLimitedProvider.resetFormat(Duration.ZERO)).isEqualTo("0s");
        assertThat(RateLimitedProvider.resetFormat(Duration.ofMillis(20))).isEqualTo("20ms");
        assertThat(RateLimitedProvider.resetFormat(Duration.ofNanos(19_200_000))).isEqualTo("20ms");
        assertThat(RateLimitedProvider.resetFormat(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(RateLimitedProvider.resetFormat(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(RateLimitedProvider.resetFormat(Duration.ofMillis(8640))).isEqualTo("8.64s");
        assertThat(RateLimitedProvider.resetFormat(Duration.ofMinutes(6))).isEqualTo("6m0s");
        assertThat(RateLimitedProvider.resetFormat(Duration.ofMinutes(61))).isEqualTo("1h1m0s");
    }

    private static int admittedInARow(RateLimitedProvider provider, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            admitted += provider.reply(sentiment("row " + i, 5)).status() == 200 ? 1 : 0;
        }
        return admitted;
    }

    private static FakeOpenAiServer.ChatRequest sentiment(String row, int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "gpt-4o-mini");
        body.put("max_tokens", maxTokens);
        var messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", "Classify the sentiment of the text in <row> tags.");
        messages.addObject().put("role", "user").put("content", "<row>\n" + row + "\n</row>");
        return new FakeOpenAiServer.ChatRequest(body);
    }

    private static FakeOpenAiServer.ChatRequest request(String content, String field, int value) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "gpt-4o-mini");
        body.put(field, value);
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return new FakeOpenAiServer.ChatRequest(body);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    @Test
    void shouldResetAFixedWindowAtItsEndSoThatTwoBurstsMeetAtTheBoundary() {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(600).tokensPerMinute(10_000_000)
                .burstWindow(Duration.ofSeconds(1)).enforcement(RateLimitedProvider.Enforcement.FIXED_WINDOW)
                .clock(clock::get).build();
        clock.addAndGet(Duration.ofMillis(900).toNanos());
        assertThat(statuses(provider, 11)).as("10 a second").containsExactly(200, 200, 200, 200, 200, 200, 200,
                200, 200, 200, 429);

        clock.addAndGet(Duration.ofMillis(100).toNanos()); // the next window starts

        assertThat(statuses(provider, 10)).containsOnly(200);
    }

    @Test
    void shouldCountTheLastWindowWheneverItStartedInASlidingWindow() {
        RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(600).tokensPerMinute(10_000_000)
                .burstWindow(Duration.ofSeconds(1)).enforcement(RateLimitedProvider.Enforcement.SLIDING_WINDOW)
                .clock(clock::get).build();
        assertThat(statuses(provider, 5)).containsOnly(200);
        clock.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(statuses(provider, 6)).containsExactly(200, 200, 200, 200, 200, 429);

        clock.addAndGet(Duration.ofMillis(500).toNanos()); // the first five leave the window

        assertThat(statuses(provider, 6)).containsExactly(200, 200, 200, 200, 200, 429);
        FakeOpenAiServer.Reply refused = provider.reply(sentiment("refused", 5));
        assertThat(refused.headers()).containsEntry("retry-after-ms", "500");
    }

    @Test
    void shouldRefuseABurstAfterAFullRefillInASlidingWindowThatATokenBucketWouldTake() {
        // A full second's burst, then steady refill: the bucket admits it, the sliding second does not.
        RateLimitedProvider.Enforcement[] modes = {RateLimitedProvider.Enforcement.TOKEN_BUCKET,
                RateLimitedProvider.Enforcement.SLIDING_WINDOW};
        List<Long> rejected = new ArrayList<>();
        for (RateLimitedProvider.Enforcement mode : modes) {
            AtomicLong time = new AtomicLong(0);
            RateLimitedProvider provider = RateLimitedProvider.builder().requestsPerMinute(600)
                    .tokensPerMinute(10_000_000).burstWindow(Duration.ofSeconds(1)).enforcement(mode)
                    .clock(time::get).build();
            for (int i = 0; i < 10; i++) {
                provider.reply(sentiment("burst " + i, 5));
            }
            for (int i = 0; i < 10; i++) {
                time.addAndGet(Duration.ofMillis(100).toNanos());
                provider.reply(sentiment("steady " + i, 5));
                provider.reply(sentiment("steady again " + i, 5));
            }
            rejected.add(provider.counters().rejected());
        }
        assertThat(rejected.get(0)).as("token bucket").isEqualTo(10);
        assertThat(rejected.get(1)).as("sliding window").isGreaterThan(rejected.get(0));
    }

    private List<Integer> statuses(RateLimitedProvider provider, int calls) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            statuses.add(provider.reply(sentiment("call " + i, 5)).status());
        }
        return statuses;
    }
}
