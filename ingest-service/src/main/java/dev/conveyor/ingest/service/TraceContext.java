package dev.conveyor.ingest.service;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/** The current W3C trace context, stored with outbox entries so the published rows continue the trace. */
public final class TraceContext {

    private TraceContext() {
    }

    /** @return the {@code traceparent} of the current span, or null when there is none (tracing off) */
    public static String currentTraceparent() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }
}
