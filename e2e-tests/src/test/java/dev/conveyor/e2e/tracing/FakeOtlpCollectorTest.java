package dev.conveyor.e2e.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/** The collector reads what the OpenTelemetry exporter's own protobuf marshaler writes. */
class FakeOtlpCollectorTest {

    @Test
    void shouldReadServiceIdsAndNamesOfExportedSpans() throws Exception {
        List<SpanData> exported = new ArrayList<>();
        SpanExporter keep = new SpanExporter() {
            @Override
            public CompletableResultCode export(java.util.Collection<SpanData> spans) {
                exported.addAll(spans);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(io.opentelemetry.api.common.Attributes.of(
                        AttributeKey.stringKey("service.name"), "ingest-service",
                        AttributeKey.stringKey("service.namespace"), "conveyor")))
                .addSpanProcessor(SimpleSpanProcessor.create(keep)).build()) {
            Span parent = provider.get("test").spanBuilder("POST /sources/{source}/rows").startSpan();
            parent.setAttribute("http.route", "/sources/{source}/rows");
            Span child = provider.get("test").spanBuilder("conveyor.source-rows publish")
                    .setParent(Context.root().with(parent)).startSpan();
            child.end();
            parent.end();

            ByteArrayOutputStream body = new ByteArrayOutputStream();
            TraceRequestMarshaler.create(exported).writeBinaryTo(body);
            List<FakeOtlpCollector.ExportedSpan> spans = FakeOtlpCollector.parse(body.toByteArray());

            assertThat(spans).containsExactlyInAnyOrder(
                    new FakeOtlpCollector.ExportedSpan("ingest-service", parent.getSpanContext().getTraceId(),
                            parent.getSpanContext().getSpanId(), "", "POST /sources/{source}/rows"),
                    new FakeOtlpCollector.ExportedSpan("ingest-service", parent.getSpanContext().getTraceId(),
                            child.getSpanContext().getSpanId(), parent.getSpanContext().getSpanId(),
                            "conveyor.source-rows publish"));
        }
    }
}
