package dev.conveyor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for an OpenAI-compatible provider: answers {@code POST /v1/chat/completions} on
 * loopback. What it answers is decided by a {@link Responder}, so a test can script answers,
 * errors, delays and headers; every request body is recorded.
 */
public final class FakeOpenAiServer implements AutoCloseable {

    /** One scripted reply. */
    public record Reply(int status, Map<String, String> headers, String body, long delayMillis) {

        public static Reply answer(String content) {
            return new Reply(200, Map.of(), completionBody(content, 10, 3), 0);
        }

        public static Reply error(int status, String message) {
            return new Reply(status, Map.of(), "{\"error\":{\"message\":" + quote(message) + ",\"type\":\"test\"}}", 0);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> merged = new java.util.HashMap<>(headers);
            merged.put(name, value);
            return new Reply(status, Map.copyOf(merged), body, delayMillis);
        }

        public Reply delayedBy(long millis) {
            return new Reply(status, headers, body, millis);
        }
    }

    /** Decides the reply to a request. */
    @FunctionalInterface
    public interface Responder {
        Reply reply(ChatRequest request);
    }

    /** What a test can see of a request. */
    public record ChatRequest(JsonNode body) {

        public String model() {
            return body.path("model").asText();
        }

        /** All message contents joined, system first. */
        public String allText() {
            StringBuilder text = new StringBuilder();
            body.path("messages").forEach(m -> text.append(m.path("content").asText()).append('\n'));
            return text.toString();
        }

        public String lastUserMessage() {
            String last = "";
            for (JsonNode m : body.path("messages")) {
                if ("user".equals(m.path("role").asText())) {
                    last = m.path("content").asText();
                }
            }
            return last;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong();

    static {
        // Without TCP_NODELAY the JDK server sends a reply's headers and body in two segments and
        // the client's delayed ACK holds the body back ~40 ms: a latency no provider has. Read
        // once, when the JVM's first HttpServer starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private volatile Responder responder;

    private FakeOpenAiServer(Responder responder) {
        this.responder = responder;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-openai");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    public static FakeOpenAiServer start(Responder responder) {
        return new FakeOpenAiServer(responder);
    }

    /** Answers with the text the function makes of the last user message. */
    public static FakeOpenAiServer answering(Function<String, String> answer) {
        return start(request -> Reply.answer(answer.apply(request.lastUserMessage())));
    }

    public void respondWith(Responder next) {
        this.responder = next;
    }

    /** Base URL as OpenAI clients expect it, ending in /v1. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = JSON.readTree(in);
            }
            ChatRequest request = new ChatRequest(body);
            requests.add(request);
            Reply reply = responder.reply(request);
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis()); // simulated provider latency, not test synchronization
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the client went away (e.g. its timeout fired); nothing to answer
        }
    }

    static String completionBody(String content, int promptTokens, int completionTokens) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-" + IDS.incrementAndGet());
        root.put("object", "chat.completion");
        root.put("created", System.currentTimeMillis() / 1000);
        root.put("model", "fake-model");
        ArrayNode choices = root.putArray("choices");
        ObjectNode choice = choices.addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", content);
        choice.put("finish_reason", "stop");
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", promptTokens);
        usage.put("completion_tokens", completionTokens);
        usage.put("total_tokens", promptTokens + completionTokens);
        return root.toString();
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
