package dev.conveyor.ingest.messaging;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * A row's W3C trace context across the outbox: taken when the row is stored (the request's span)
 * and made the parent of the record the relay publishes later, on another thread, so the row's
 * trace goes on from the request that brought it.
 */
public final class RowTraces {

    static final String HEADER = "traceparent";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return HEADER.equals(key) ? carrier : null;
        }
    };

    private RowTraces() {
    }

    /** The current span's {@code traceparent}, or null when there is none (tracing off). */
    public static String current() {
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(Context.current(), carrier, Map::put);
        return carrier.get(HEADER);
    }

    /** The context a stored {@code traceparent} names (the root context when null or invalid). */
    static Context context(String traceparent) {
        return traceparent == null ? Context.root() : W3C.extract(Context.root(), traceparent, TRACEPARENT);
    }
}
