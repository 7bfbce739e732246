package dev.conveyor.review.messaging;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Continues each task's and result's trace in review-service: one consumer span per record that
 * came with a {@code traceparent} header, from the batch's start until its transaction is done.
 * Batches are consumed as a whole, so the connector's own per-record tracing does not cover the
 * time spent storing them.
 */
@ApplicationScoped
public class ResultTraces {

    static final String HEADER = "traceparent";

    private static final TextMapGetter<Headers> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> keys = new ArrayList<>();
            carrier.forEach(h -> keys.add(h.key()));
            return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
            Header header = carrier == null ? null : carrier.lastHeader(key);
            return header == null || header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private final Tracer tracer;

    public ResultTraces(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.conveyor.review");
    }

    /** Starts one span per traced record, in the batch's order (null for a record without context). */
    List<Span> start(List<? extends KafkaRecord<String, Object>> records) {
        List<Span> spans = new ArrayList<>(records.size());
        for (KafkaRecord<String, Object> record : records) {
            Headers headers = record.getHeaders();
            if (headers == null || headers.lastHeader(HEADER) == null) {
                spans.add(null);
                continue;
            }
            Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HEADERS);
            spans.add(tracer.spanBuilder(record.getTopic() + " process")
                    .setParent(parent)
                    .setSpanKind(SpanKind.CONSUMER)
                    .setAttribute("messaging.system", "kafka")
                    .setAttribute("messaging.destination.name", record.getTopic())
                    .setAttribute("messaging.operation", "process")
                    .setAttribute("messaging.kafka.message.key", String.valueOf(record.getKey()))
                    .startSpan());
        }
        return spans;
    }

    /** Ends the spans; those of rejected records (by index) with the reason as an error. */
    void end(List<Span> spans, List<ResultEventHandler.Rejected> rejected, Throwable failure) {
        for (ResultEventHandler.Rejected r : rejected) {
            Span span = spans.get(r.index());
            if (span != null) {
                span.setStatus(StatusCode.ERROR, r.reason());
            }
        }
        for (Span span : spans) {
            if (span != null) {
                if (failure != null) {
                    span.recordException(failure);
                    span.setStatus(StatusCode.ERROR);
                }
                span.end();
            }
        }
    }
}
