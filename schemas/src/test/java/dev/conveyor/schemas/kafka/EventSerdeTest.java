package dev.conveyor.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;
import dev.conveyor.schemas.RowIngested;
import dev.conveyor.schemas.WorkflowDefined;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskOutcome;

class EventSerdeTest {

    private final EventSerde<RowIngested> serde = EventSerde.of(RowIngested.class);

    @Test
    void shouldRoundTripTheCurrentVersion() {
        RowIngested row = RowIngested.newBuilder()
                .setReferenceId("1111-aaaa-bbbb-0001")
                .setSourceConnection("S3")
                .setColumns(Map.of("data_column_1", "I love this movie."))
                .setIngestedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setBatchId("batch-1")
                .build();

        RowIngested read = serde.deserialize("t", serde.serialize("t", row));

        assertThat(read).isEqualTo(row);
    }

    @Test
    void shouldReadARowWrittenWithVersionOneOfTheSchema() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("avro-history/RowIngested.v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("batchId")).as("version 1 predates batchId").isNull();
        GenericRecord old = new GenericData.Record(v1);
        old.put("referenceId", "1111-aaaa-bbbb-0002");
        old.put("sourceConnection", "DB");
        old.put("columns", Map.of("data_column_1", "This is boring."));
        old.put("ingestedAt", 1_700_000_000_000L);
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        RowIngested read = serde.deserialize("t", bytes);

        assertThat(read.getReferenceId()).isEqualTo("1111-aaaa-bbbb-0002");
        assertThat(read.getSourceConnection()).isEqualTo("DB");
        assertThat(read.getColumns()).containsEntry("data_column_1", "This is boring.");
        assertThat(read.getIngestedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(read.getBatchId()).isNull();
    }

    @Test
    void shouldReadAWorkflowWrittenBeforeProcessesHadDefinitions() throws Exception {
        Schema v1 = history("WorkflowDefined.v1.avsc");
        Schema stepV1 = v1.getField("processes").schema().getElementType();
        GenericRecord step = new GenericData.Record(stepV1);
        step.put("name", "sentiment");
        step.put("column", "data_column_1");
        GenericRecord old = new GenericData.Record(v1);
        old.put("workflowId", "w");
        old.put("workflowName", "Workflow 1");
        old.put("sourceConnection", "S3");
        old.put("processes", java.util.List.of(step));
        old.put("model", "gpt-4");
        old.put("createdAt", 1_700_000_000_000L);

        WorkflowDefined read = EventSerde.of(WorkflowDefined.class).deserialize("t", encode(v1, old));

        ProcessStep process = read.getProcesses().get(0);
        assertThat(process.getName()).isEqualTo("sentiment");
        assertThat(process.getColumn()).isEqualTo("data_column_1");
        assertThat(process.getType()).isEqualTo(ProcessType.GENERATE);
        assertThat(process.getLabels()).isEmpty();
        assertThat(process.getTemplate()).isNull();
    }

    @Test
    void shouldReadAWorkflowWrittenBeforeWorkflowsHadAFailedRowPolicyAsSkip() throws Exception {
        Schema v2 = history("WorkflowDefined.v2.avsc");
        assertThat(v2.getField("failedRows")).as("version 2 predates the Failed-row policy").isNull();
        GenericRecord old = new GenericData.Record(v2);
        old.put("workflowId", "w");
        old.put("workflowName", "Workflow 1");
        old.put("sourceConnection", "S3");
        old.put("processes", java.util.List.of());
        old.put("model", "gpt-4");
        old.put("createdAt", 1_700_000_000_000L);

        WorkflowDefined read = EventSerde.of(WorkflowDefined.class).deserialize("t", encode(v2, old));

        assertThat(read.getWorkflowName()).isEqualTo("Workflow 1");
        assertThat(read.getFailedRows()).isEqualTo(dev.conveyor.schemas.FailedRowPolicy.SKIP);
    }

    @Test
    void shouldReadAResultWrittenBeforeCostsWereMetered() throws Exception {
        Schema v1 = history("TaskFinished.v1.avsc");
        GenericRecord old = new GenericData.Record(v1);
        for (String f : new String[] {"taskId", "runId", "workflowId", "referenceId", "sourceConnection",
            "processName", "model"}) {
            old.put(f, "x");
        }
        old.put("stageIndex", 0);
        old.put("outcome", new GenericData.EnumSymbol(v1.getField("outcome").schema(), "COMPLETED"));
        old.put("output", "Positive");
        old.put("issuedAt", 1L);
        old.put("finishedAt", 2L);
        old.put("latencyMs", 5L);
        old.put("promptTokens", 10);
        old.put("completionTokens", 3);

        TaskFinished read = EventSerde.of(TaskFinished.class).deserialize("t", encode(v1, old));

        assertThat(read.getOutcome()).isEqualTo(TaskOutcome.COMPLETED);
        assertThat(read.getCostUsd()).isZero();
        assertThat(read.getCached()).isFalse();
        assertThat(read.getAttempts()).isEqualTo(1);
    }

    @Test
    void shouldReadATaskWrittenBeforeTasksHadAnOriginAsAWorkflowRunsTask() throws Exception {
        Schema v2 = history("TaskIssued.v2.avsc");
        GenericRecord old = new GenericData.Record(v2);
        for (String f : new String[] {"taskId", "runId", "workflowId", "referenceId", "sourceConnection",
            "processName", "model"}) {
            old.put(f, "x");
        }
        old.put("stageIndex", 1);
        old.put("inputs", java.util.Map.of("text", "I love this movie."));
        old.put("issuedAt", 1L);
        old.put("process", null);

        dev.conveyor.schemas.TaskIssued read = EventSerde.of(dev.conveyor.schemas.TaskIssued.class)
                .deserialize("t", encode(v2, old));

        assertThat(read.getStageIndex()).isEqualTo(1);
        assertThat(read.getOrigin()).isNull();
        assertThat(dev.conveyor.schemas.TaskOrigins.fromWorkflowRun(read)).isTrue();
    }

    private Schema history(String file) throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("avro-history/" + file)) {
            return new Schema.Parser().parse(in);
        }
    }

    private static byte[] encode(Schema schema, GenericRecord record) throws Exception {
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(record);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    @Test
    void shouldRejectBytesOfAnotherSchemaWithAClearMessage() {
        TaskFinished other = TaskFinished.newBuilder()
                .setTaskId("t").setRunId("r").setWorkflowId("w").setReferenceId("x").setSourceConnection("S3")
                .setProcessName("sentiment").setStageIndex(0).setOutcome(TaskOutcome.COMPLETED).setOutput("Positive")
                .setModel("m").setIssuedAt(Instant.EPOCH).setFinishedAt(Instant.EPOCH).build();
        byte[] bytes = EventSerde.of(TaskFinished.class).serialize("t", other);

        assertThatThrownBy(() -> serde.deserialize("conveyor.source-rows", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("RowIngested")
                .hasMessageContaining("conveyor.source-rows");
    }

    @Test
    void shouldRejectGarbage() {
        assertThatThrownBy(() -> serde.deserialize("t", "{\"not\":\"avro\"}".getBytes()))
                .isInstanceOf(SerializationException.class);
    }
}
