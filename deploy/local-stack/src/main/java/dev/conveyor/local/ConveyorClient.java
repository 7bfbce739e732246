package dev.conveyor.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small client of the platform's REST API, as a user would call it. */
public final class ConveyorClient {

    /** A non-2xx answer, with the problem document the service sent. */
    public static final class ApiException extends RuntimeException {
        private final int status;
        private final String body;

        ApiException(String request, int status, String body) {
            super(request + " answered " + status + ": " + body);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final String ingestUrl;
    private final String orchestratorUrl;
    private final String reviewUrl;

    public ConveyorClient(String ingestUrl, String orchestratorUrl, String reviewUrl) {
        this.ingestUrl = ingestUrl;
        this.orchestratorUrl = orchestratorUrl;
        this.reviewUrl = reviewUrl;
    }

    /** Ingests rows; returns their reference ids in input order. */
    public List<String> ingest(String source, List<Map<String, String>> rows) {
        JsonNode answer = send("POST", ingestUrl + "/sources/" + encode(source) + "/rows", rows);
        List<String> ids = new ArrayList<>();
        answer.path("reference_ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /**
     * Ingests rows under an {@code Idempotency-Key}: sent again after a lost answer (the service
     * died mid-request), it gets the first answer back and the rows are stored once.
     */
    public List<String> ingest(String source, List<Map<String, String>> rows, String idempotencyKey) {
        JsonNode answer = send("POST", ingestUrl + "/sources/" + encode(source) + "/rows", rows,
                Map.of("Idempotency-Key", idempotencyKey));
        List<String> ids = new ArrayList<>();
        answer.path("reference_ids").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /**
     * Streams a CSV file to ingest's upload (a bad line rejects the file: nothing is stored and the
     * problem lists the lines); returns the stored rows' reference ids in file order.
     */
    public List<String> uploadCsv(String source, java.nio.file.Path file) {
        String url = ingestUrl + "/sources/" + encode(source) + "/rows";
        JsonNode receipt;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30))
                    .header("Content-Type", "text/csv; charset=utf-8").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofFile(file)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new ApiException("POST " + url + " (" + file + ")", response.statusCode(), response.body());
            }
            receipt = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
        String batchId = receipt.path("batch_id").asText();
        List<String> ids = new ArrayList<>();
        // Pages come in arrival order, each upload's rows in file order.
        for (int page = 0;; page++) {
            JsonNode answer = send("GET", url + "?size=500&page=" + page, null);
            answer.path("items").forEach(item -> {
                if (batchId.equals(item.path("batch_id").asText())) {
                    ids.add(item.path("reference_id").asText());
                }
            });
            if (answer.path("items").size() < 500) {
                return ids;
            }
        }
    }

    /** Creates a workflow in the seed's shape; returns it as the service answered. */
    public JsonNode createWorkflow(String name, String source, Map<String, String> processes, String model) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("workflow_name", name);
        body.put("source_connection", source);
        body.put("processes", processes);
        body.put("model", model);
        return send("POST", orchestratorUrl + "/workflows", body);
    }

    public JsonNode startRun(String workflowId) {
        return send("POST", orchestratorUrl + "/workflows/" + workflowId + "/runs", null);
    }

    /** Starts a run that stops calling the model once it has spent {@code budget} (max_cost_usd, max_tokens). */
    public JsonNode startRun(String workflowId, Map<String, Number> budget) {
        return send("POST", orchestratorUrl + "/workflows/" + workflowId + "/runs", Map.of("budget", budget));
    }

    /** Tokens, cost, cache hits and outcomes of a run (review-service). */
    public JsonNode runTotals(String runId) {
        return send("GET", reviewUrl + "/runs/" + runId + "/totals", null);
    }

    public JsonNode run(String workflowId, String runId) {
        return send("GET", orchestratorUrl + "/workflows/" + workflowId + "/runs/" + runId, null);
    }

    public JsonNode resultSummary(String workflowId, String runId) {
        return send("GET", reviewUrl + "/workflows/" + workflowId + "/results/summary?run_id=" + runId, null);
    }

    /** Every result of a run, all pages. */
    public List<JsonNode> results(String workflowId, String runId) {
        List<JsonNode> items = new ArrayList<>();
        for (int page = 0;; page++) {
            JsonNode answer = send("GET", reviewUrl + "/workflows/" + workflowId + "/results?run_id=" + runId
                    + "&size=500&page=" + page, null);
            answer.path("items").forEach(items::add);
            if (items.size() >= answer.path("total").asLong() || answer.path("items").isEmpty()) {
                return items;
            }
        }
    }

    public JsonNode send(String method, String url, Object body) {
        return send(method, url, body, Map.of());
    }

    private JsonNode send(String method, String url, Object body, Map<String, String> headers) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("Accept", "application/json");
            headers.forEach(builder::header);
            HttpRequest request = builder.method(method, publisher).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new ApiException(method + " " + url, response.statusCode(), response.body());
            }
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
