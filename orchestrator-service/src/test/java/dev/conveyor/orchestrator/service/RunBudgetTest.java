package dev.conveyor.orchestrator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.conveyor.common.rest.Problem.FieldError;

class RunBudgetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldReadBothLimits() throws Exception {
        List<FieldError> errors = new ArrayList<>();

        RunBudget budget = RunBudget.read(JSON.readTree("{\"budget\": {\"max_cost_usd\": 1.5, \"max_tokens\": 100000}}"),
                errors);

        assertThat(errors).isEmpty();
        assertThat(budget).isEqualTo(new RunBudget(1.5, 100_000L));
    }

    @Test
    void shouldMeanNoBudgetWithoutABodyOrABudget() throws Exception {
        List<FieldError> errors = new ArrayList<>();

        assertThat(RunBudget.read(null, errors)).isEqualTo(RunBudget.NONE);
        assertThat(RunBudget.read(JSON.readTree("{}"), errors)).isEqualTo(RunBudget.NONE);
        assertThat(RunBudget.read(JSON.readTree("{\"budget\": null}"), errors)).isEqualTo(RunBudget.NONE);
        assertThat(RunBudget.read(JSON.readTree("{\"budget\": {\"max_tokens\": 10}}"), errors))
                .isEqualTo(new RunBudget(null, 10L));
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldNameEveryBadLimit() throws Exception {
        List<FieldError> errors = new ArrayList<>();

        RunBudget.read(JSON.readTree("{\"budget\": {\"max_cost_usd\": 0, \"max_tokens\": 2.5, \"max_usd\": 1},"
                + " \"priority\": 1}"), errors);

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder("priority", "budget.max_cost_usd",
                "budget.max_tokens", "budget.max_usd");
    }

    @Test
    void shouldRejectNegativeAndTextLimitsAndABudgetThatIsNotAnObject() throws Exception {
        List<FieldError> errors = new ArrayList<>();

        RunBudget.read(JSON.readTree("{\"budget\": {\"max_cost_usd\": \"1\", \"max_tokens\": -5}}"), errors);
        RunBudget.read(JSON.readTree("{\"budget\": 3}"), errors);
        RunBudget.read(JSON.readTree("[1]"), errors);

        assertThat(errors).extracting(FieldError::field)
                .containsExactly("budget.max_cost_usd", "budget.max_tokens", "budget", "body");
    }
}
