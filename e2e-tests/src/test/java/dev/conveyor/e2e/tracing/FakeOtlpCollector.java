package dev.conveyor.e2e.tracing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for an OpenTelemetry collector: takes OTLP/HTTP protobuf exports
 * ({@code POST /v1/traces}) and keeps the spans' ids, names and service names. Reads only the
 * few fields of {@code ExportTraceServiceRequest} it needs, straight off the protobuf wire format.
 */
public final class FakeOtlpCollector implements AutoCloseable {

    /** One exported span. Ids in lower-case hex; {@code parentSpanId} empty for a root span. */
    public record ExportedSpan(String service, String traceId, String spanId, String parentSpanId, String name) {
    }

    private final HttpServer server;
    private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private FakeOtlpCollector(HttpServer server) {
        this.server = server;
    }

    public static FakeOtlpCollector start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeOtlpCollector collector = new FakeOtlpCollector(server);
            server.createContext("/", exchange -> {
                String request = exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type");
                try (InputStream in = exchange.getRequestBody()) {
                    byte[] body = in.readAllBytes();
                    collector.requests.add(request + " " + body.length + " bytes");
                    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                        body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
                    }
                    if (!exchange.getRequestURI().getPath().endsWith("/v1/metrics")
                            && !exchange.getRequestURI().getPath().endsWith("/v1/logs")) {
                        collector.spans.addAll(parse(body));
                    }
                    exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                    exchange.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
                } catch (RuntimeException e) {
                    collector.requests.add(request + " unreadable: " + e);
                    exchange.sendResponseHeaders(400, -1);
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return collector;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** What was sent, for a failing test's message. */
    public String describe() {
        return requests.size() + " requests " + requests.subList(0, Math.min(10, requests.size())) + "; spans: "
                + spans.subList(0, Math.min(20, spans.size()));
    }

    public List<ExportedSpan> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }

    static List<ExportedSpan> parse(byte[] request) {
        List<ExportedSpan> found = new ArrayList<>();
        Wire in = new Wire(request);
        while (in.more()) {
            int field = in.tag();
            if (field == 1) {
                resourceSpans(in.bytes(), found);
            } else {
                in.skip();
            }
        }
        return found;
    }

    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
    private static void resourceSpans(byte[] message, List<ExportedSpan> found) {
        String service = "";
        List<byte[]> scopes = new ArrayList<>();
        Wire in = new Wire(message);
        while (in.more()) {
            int field = in.tag();
            if (field == 1) {
                service = serviceName(in.bytes());
            } else if (field == 2) {
                scopes.add(in.bytes());
            } else {
                in.skip();
            }
        }
        for (byte[] scope : scopes) {
            // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
            Wire s = new Wire(scope);
            while (s.more()) {
                if (s.tag() == 2) {
                    found.add(span(service, s.bytes()));
                } else {
                    s.skip();
                }
            }
        }
    }

    // Resource { repeated KeyValue attributes = 1; } KeyValue { string key = 1; AnyValue value = 2; }
    // AnyValue { string string_value = 1; ... }
    private static String serviceName(byte[] resource) {
        Wire in = new Wire(resource);
        while (in.more()) {
            if (in.tag() != 1) {
                in.skip();
                continue;
            }
            Wire kv = new Wire(in.bytes());
            String key = null;
            String value = null;
            while (kv.more()) {
                int field = kv.tag();
                if (field == 1) {
                    key = new String(kv.bytes(), StandardCharsets.UTF_8);
                } else if (field == 2) {
                    Wire any = new Wire(kv.bytes());
                    while (any.more()) {
                        if (any.tag() == 1) {
                            value = new String(any.bytes(), StandardCharsets.UTF_8);
                        } else {
                            any.skip();
                        }
                    }
                } else {
                    kv.skip();
                }
            }
            if ("service.name".equals(key)) {
                return value;
            }
        }
        return "";
    }

    // Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5; }
    private static ExportedSpan span(String service, byte[] message) {
        HexFormat hex = HexFormat.of();
        String traceId = "";
        String spanId = "";
        String parent = "";
        String name = "";
        Wire in = new Wire(message);
        while (in.more()) {
            int field = in.tag();
            switch (field) {
                case 1 -> traceId = hex.formatHex(in.bytes());
                case 2 -> spanId = hex.formatHex(in.bytes());
                case 4 -> parent = hex.formatHex(in.bytes());
                case 5 -> name = new String(in.bytes(), StandardCharsets.UTF_8);
                default -> in.skip();
            }
        }
        return new ExportedSpan(service, traceId, spanId, parent, name);
    }

    /** The protobuf wire format: varint tags, then a value of the tag's wire type. */
    private static final class Wire {
        private final byte[] data;
        private int pos;
        private int wireType;

        Wire(byte[] data) {
            this.data = data;
        }

        boolean more() {
            return pos < data.length;
        }

        int tag() {
            long tag = varint();
            wireType = (int) (tag & 7);
            return (int) (tag >>> 3);
        }

        byte[] bytes() {
            if (wireType != 2) {
                throw new IllegalStateException("expected a length-delimited field, wire type " + wireType);
            }
            int length = (int) varint();
            byte[] value = java.util.Arrays.copyOfRange(data, pos, pos + length);
            pos += length;
            return value;
        }

        void skip() {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> {
                    int length = (int) varint(); // read first: `pos += varint()` would add to the old pos
                    pos += length;
                }
                case 5 -> pos += 4;
                default -> throw new IllegalStateException("unsupported wire type " + wireType);
            }
        }

        private long varint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte b = data[pos++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalStateException("malformed varint");
        }
    }
}
