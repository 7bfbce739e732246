package dev.conveyor.worker.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.worker.Tasks;

class BudgetLedgerTest {

    private static final BudgetLedger.Limits TOKENS_600 = new BudgetLedger.Limits(600L, null);
    private final HaltedRuns halted = new HaltedRuns();
    private final BudgetLedger.InMemory ledger = new BudgetLedger.InMemory();
    private final RunBudgets budgets = new RunBudgets(ledger,
            new PriceTable(Map.of("gpt-4o-mini", new PriceTable.Price(0.15, 0.60))), halted, Duration.ofMinutes(1));

    @Test
    void shouldGrantWhileSpentAndReservedStayUnderTheBudget() {
        assertThat(BudgetLedger.decide(TOKENS_600, 100, 0, 400, 0)).isInstanceOf(BudgetLedger.Granted.class);
        assertThat(BudgetLedger.decide(TOKENS_600, 100, 0, 500, 0)).as("the rest is reserved")
                .isInstanceOf(BudgetLedger.Wait.class);
        assertThat(BudgetLedger.decide(TOKENS_600, 600, 0, 0, 0)).isEqualTo(
                new BudgetLedger.Exhausted("budget reached: spent 600 of 600 tokens"));
        BudgetLedger.Limits dollars = new BudgetLedger.Limits(null, 0.01);
        assertThat(BudgetLedger.decide(dollars, 1_000_000, 0.005, 1_000_000, 0.006)).as("no token limit")
                .isInstanceOf(BudgetLedger.Wait.class);
        assertThat(((BudgetLedger.Exhausted) BudgetLedger.decide(dollars, 0, 0.02, 0, 0)).reason())
                .isEqualTo("budget reached: spent $0.0200 of $0.0100");
    }

    @Test
    void shouldLetALapsedReservationGo() {
        assertThat(ledger.reserve("r", TOKENS_600, 700, 0, Duration.ZERO)).isInstanceOf(BudgetLedger.Granted.class);
        // a worker died holding 700: its reservation lapsed, the budget is free again
        assertThat(ledger.reserve("r", TOKENS_600, 700, 0, Duration.ofMinutes(1)))
                .isInstanceOf(BudgetLedger.Granted.class);
        assertThat(ledger.reserve("r", TOKENS_600, 700, 0, Duration.ofMinutes(1))).isInstanceOf(BudgetLedger.Wait.class);
    }

    @Test
    void shouldNotTouchTheLedgerForARunWithoutBudget() throws Exception {
        RunBudgets.Hold hold = budgets.hold(task(null), "gpt-4o-mini", 10, 1_000_000);
        assertThat(hold.refusal()).isEmpty();
        hold.settle(1_000_000, 1);
        assertThat(ledger.reserve(task(null).getRunId(), TOKENS_600, 1, 0, Duration.ofMinutes(1)))
                .isInstanceOf(BudgetLedger.Granted.class);
    }

    @Test
    void shouldHoldACallWhileTheBudgetLeftIsReservedThenRefuseItOnceSpent() throws Exception {
        TaskIssued task = task(600L);
        RunBudgets.Hold first = budgets.hold(task, "gpt-4o-mini", 100, 700);
        assertThat(first.refusal()).isEmpty();
        CompletableFuture<RunBudgets.Hold> second = CompletableFuture.supplyAsync(() -> hold(task, 700));

        first.settle(650, 0.0001);

        assertThat(second.get(10, TimeUnit.SECONDS).refusal()).contains("budget reached: spent 650 of 600 tokens");
    }

    @Test
    void shouldLetAWaitingCallGoWhenTheCallInFlightUsedLessThanItReserved() throws Exception {
        TaskIssued task = task(600L);
        RunBudgets.Hold first = budgets.hold(task, "gpt-4o-mini", 100, 700);
        CompletableFuture<RunBudgets.Hold> second = CompletableFuture.supplyAsync(() -> hold(task, 700));

        first.settle(120, 0.0001);

        assertThat(second.get(10, TimeUnit.SECONDS).refusal()).isEmpty();
    }

    @Test
    void shouldStopWaitingWhenTheRunIsHalted() throws InterruptedException, ExecutionException, TimeoutException {
        TaskIssued task = task(600L);
        budgets.hold(task, "gpt-4o-mini", 100, 700);
        CompletableFuture<RunBudgets.Hold> second = CompletableFuture.supplyAsync(() -> hold(task, 700));

        halted.halt(task.getRunId(), "budget reached: spent $1 of $1");

        assertThat(second.get(10, TimeUnit.SECONDS).refusal()).contains("run halted: budget reached: spent $1 of $1");
    }

    private RunBudgets.Hold hold(TaskIssued task, long tokens) {
        try {
            return budgets.hold(task, "gpt-4o-mini", 100, tokens);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TaskIssued task(Long maxTokens) {
        TaskIssued task = Tasks.task("sentiment", Map.of("text", "fine"), "gpt-4o-mini");
        task.setRunId("run-" + Optional.ofNullable(maxTokens).map(String::valueOf).orElse("unbudgeted"));
        task.setMaxTokens(maxTokens);
        return task;
    }
}
