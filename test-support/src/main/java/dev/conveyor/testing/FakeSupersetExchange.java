package dev.conveyor.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/** One request to the fake Superset, read once, as its handlers see it. */
public final class FakeSupersetExchange {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange exchange;
    private final byte[] body;
    private final Map<String, String> query;

    FakeSupersetExchange(HttpExchange exchange, byte[] body) {
        this.exchange = exchange;
        this.body = body;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    public String path() {
        return exchange.getRequestURI().getPath();
    }

    /** A query parameter, decoded; null when absent. */
    public String query(String name) {
        return query.get(name);
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    public byte[] body() {
        return body;
    }

    /** The body as JSON; null when it is not JSON. */
    public JsonNode json() {
        try {
            return body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    public boolean is(String method, String path) {
        return method().equals(method) && path().equals(path);
    }

    public void setHeader(String name, String value) {
        exchange.getResponseHeaders().set(name, value);
    }

    public void send(int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public void send(int status, JsonNode json) throws IOException {
        send(status, json.toString());
    }

    /** Superset's shape for most API errors: {@code {"message": ...}}. */
    public void message(int status, String message) throws IOException {
        send(status, JSON.createObjectNode().put("message", message));
    }

    HttpExchange raw() {
        return exchange;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}
