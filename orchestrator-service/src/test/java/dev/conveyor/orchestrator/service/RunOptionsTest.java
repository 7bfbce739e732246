package dev.conveyor.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.Problem.FieldError;
import dev.conveyor.schemas.FailedRowPolicy;
import dev.conveyor.schemas.RunOrdering;

class RunOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldDefaultToStagedWithTheWorkflowsFailedRowPolicy() {
        List<FieldError> errors = new ArrayList<>();
        RunOptions options = RunOptions.read(null, errors);
        assertThat(errors).isEmpty();
        assertThat(options.ordering()).isEqualTo(RunOrdering.STAGED);
        assertThat(options.failedRows()).as("not overridden").isNull();
        assertThat(options.failedRowsOr(FailedRowPolicy.RUN_ANYWAY)).isEqualTo(FailedRowPolicy.RUN_ANYWAY);
        assertThat(options.continuous()).isFalse();
    }

    @Test
    void shouldReadOrderingFailedRowsAndContinuous() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        RunOptions options = RunOptions.read(json("{\"ordering\":\"per_row\",\"failed_rows\":\"run_anyway\"}"), errors);
        assertThat(errors).isEmpty();
        assertThat(options.ordering()).isEqualTo(RunOrdering.PER_ROW);
        assertThat(options.failedRows()).isEqualTo(FailedRowPolicy.RUN_ANYWAY);
        assertThat(options.failedRowsOr(FailedRowPolicy.SKIP)).as("the run overrides the workflow")
                .isEqualTo(FailedRowPolicy.RUN_ANYWAY);

        RunOptions continuous = RunOptions.read(json("{\"continuous\":true}"), errors);
        assertThat(errors).isEmpty();
        assertThat(continuous.continuous()).isTrue();
        assertThat(continuous.ordering()).as("continuous runs are per row").isEqualTo(RunOrdering.PER_ROW);
    }

    @Test
    void shouldNameEveryBadOption() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        RunOptions.read(json("{\"ordering\":\"sideways\",\"failed_rows\":3,\"continuous\":\"yes\",\"speed\":1}"),
                errors);
        assertThat(errors).extracting(FieldError::field)
                .containsExactlyInAnyOrder("ordering", "failed_rows", "continuous", "speed");
    }

    @Test
    void shouldRejectAStagedContinuousRun() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        RunOptions.read(json("{\"continuous\":true,\"ordering\":\"staged\"}"), errors);
        assertThat(errors).extracting(FieldError::field).containsExactly("ordering");
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
