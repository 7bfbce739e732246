package dev.conveyor.orchestrator.streams;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The W3C trace context of a row, carried from the record that brought it to every task issued
 * for it. Kafka Streams does not trace, and tasks leave from punctuations long after the row came
 * in, so the row keeps its {@code traceparent} ({@code RowKept.traceparent}) and each task gets a
 * {@code traceparent} header: the context of a short producer span of the orchestrator when
 * tracing is on, else the row's own context unchanged (so the header still travels).
 */
public final class TaskTraces {

    public static final String HEADER = "traceparent";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return java.util.List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return HEADER.equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;

    private TaskTraces(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Copies the row's context onto its tasks without spans of its own. */
    public static TaskTraces copying() {
        return new TaskTraces(null);
    }

    /** Records a producer span per task issued, child of the row's context (a no-op tracer copies). */
    public static TaskTraces tracing(OpenTelemetry openTelemetry) {
        return new TaskTraces(openTelemetry.getTracer("dev.conveyor.orchestrator"));
    }

    /** The {@code traceparent} a record came with, or null. */
    public static String traceparent(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Headers for a record issued for a row whose context is {@code traceparent} (none when null). */
    Headers headers(String traceparent, String topic, String taskId) {
        RecordHeaders headers = new RecordHeaders();
        if (traceparent == null) {
            return headers;
        }
        String value = traceparent;
        if (tracer != null) {
            Context parent = W3C.extract(Context.root(), traceparent, TRACEPARENT);
            Span span = tracer.spanBuilder(topic + " publish")
                    .setParent(parent)
                    .setSpanKind(SpanKind.PRODUCER)
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.destination.name", topic)
                    .setAttribute("messaging.operation", "publish")
                    .setAttribute("conveyor.task_id", taskId)
                    .startSpan();
            span.end();
            if (span.getSpanContext().isValid()) {
                Map<String, String> carrier = new HashMap<>();
                W3C.inject(parent.with(span), carrier, Map::put);
                value = carrier.getOrDefault(HEADER, traceparent);
            }
        }
        headers.add(HEADER, value.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
