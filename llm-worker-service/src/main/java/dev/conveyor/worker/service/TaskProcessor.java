package dev.conveyor.worker.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.conveyor.schemas.BuiltInProcesses;
import dev.conveyor.schemas.ProcessStep;
import dev.conveyor.schemas.ProcessType;
import dev.conveyor.schemas.TaskFinished;
import dev.conveyor.schemas.TaskIssued;
import dev.conveyor.schemas.TaskOutcome;
import dev.conveyor.worker.Prompt;

/**
 * Runs one task to its result: skips it when its run is halted, answers it from the cache when
 * an identical request was answered before, otherwise calls the model through the rate gate,
 * retrying what is worth retrying, and re-asks a bounded number of times when the answer is not
 * what the process asked for. Every ending of a task is a result with its reason; only a worker
 * that is stopping throws ({@link java.util.concurrent.CancellationException}), and then the task
 * is left for redelivery.
 */
public class TaskProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(TaskProcessor.class);

    /** Why a task gives up without a usable answer. */
    static final class GiveUp extends RuntimeException {
        final int attempts;
        /** The run was halted: the task ends Skipped, not Failed. */
        final boolean halted;

        GiveUp(String reason, int attempts, boolean halted) {
            super(reason, null, false, false);
            this.attempts = attempts;
            this.halted = halted;
        }

        GiveUp(String reason, int attempts) {
            this(reason, attempts, false);
        }
    }

    /** What the calls of one task came to. */
    record Outcome(String answer, String problem, String rawAnswer, String model, int promptTokens,
            int completionTokens, int attempts) {
        boolean valid() {
            return problem == null;
        }
    }

    /** Settings the processor needs. */
    public record Settings(boolean useTaskModel, String configuredModel, int defaultMaxTokens, int maxReasks,
            RetryPolicy retry, Duration callTimeout) {
    }

    private final ModelCaller caller;
    private final ModelGates gates;
    private final ResponseCache cache;
    private final PriceTable prices;
    private final HaltedRuns halted;
    private final PromptFactory prompts;
    private final FailureReasons reasons;
    private final Settings settings;
    private final RunBudgets budgets;
    /** Set when the worker's shutdown grace ran out: no call starts, and a failing one is not a failure. */
    private volatile boolean stopped;

    public TaskProcessor(ModelCaller caller, ModelGates gates, ResponseCache cache, PriceTable prices,
            HaltedRuns halted, PromptFactory prompts, FailureReasons reasons, Settings settings) {
        this(caller, gates, cache, prices, halted, prompts, reasons, settings,
                new RunBudgets(new BudgetLedger.InMemory(), prices, halted, Duration.ofMinutes(5)));
    }

    /** With the run budgets every instance shares. */
    public TaskProcessor(ModelCaller caller, ModelGates gates, ResponseCache cache, PriceTable prices,
            HaltedRuns halted, PromptFactory prompts, FailureReasons reasons, Settings settings, RunBudgets budgets) {
        this.budgets = budgets;
        this.caller = caller;
        this.gates = gates;
        this.cache = cache;
        this.prices = prices;
        this.halted = halted;
        this.prompts = prompts;
        this.reasons = reasons;
        this.settings = settings;
    }

    /** The worker stops: calls still running are cut short and their tasks left for redelivery. */
    public void stop() {
        stopped = true;
    }

    public TaskFinished process(TaskIssued task) {
        long start = System.nanoTime();
        ProcessStep process = BuiltInProcesses.of(task);
        String model = model(task, process);
        Optional<String> haltedBecause = halted.reason(task.getRunId());
        if (haltedBecause.isPresent()) {
            return finished(task, model, start).setOutcome(TaskOutcome.SKIPPED)
                    .setError("run halted: " + haltedBecause.get()).setAttempts(0).build();
        }
        Prompt prompt;
        try {
            prompt = prompts.forTask(process, task.getInputs());
        } catch (InvalidTaskException e) {
            return finished(task, model, start).setOutcome(TaskOutcome.FAILED).setError(e.getMessage())
                    .setAttempts(0).build();
        }
        ModelRequest request = new ModelRequest(model, prompt.system(),
                List.of(new ModelRequest.Turn(false, prompt.user())), process.getTemperature(),
                process.getMaxTokens(), process.getType() == ProcessType.EXTRACT ? process.getJsonSchema() : null,
                process, task.getInputs(), task.getOrigin());
        try {
            ResponseCache.Lookup<Outcome> lookup = cache.get(ResponseCache.key(request),
                    () -> ask(task, process, request), Outcome::valid);
            return toResult(task, lookup.value(), lookup.hit(), start);
        } catch (GiveUp e) {
            LOG.warn("task {} ({}) failed after {} attempts: {}", task.getTaskId(), task.getProcessName(), e.attempts,
                    e.getMessage());
            TaskOutcome outcome = e.halted ? TaskOutcome.SKIPPED : TaskOutcome.FAILED;
            return finished(task, model, start).setOutcome(outcome).setError(e.getMessage())
                    .setAttempts(e.attempts).build();
        }
    }

    private TaskFinished toResult(TaskIssued task, Outcome outcome, boolean cached, long start) {
        TaskFinished.Builder result = finished(task, outcome.model(), start).setCached(cached);
        if (cached) {
            // No call was made: nothing was spent on this task.
            result.setAttempts(0);
        } else {
            result.setAttempts(outcome.attempts())
                    .setPromptTokens(outcome.promptTokens())
                    .setCompletionTokens(outcome.completionTokens())
                    .setCostUsd(prices.cost(outcome.model(), outcome.promptTokens(), outcome.completionTokens()));
        }
        if (outcome.valid()) {
            return result.setOutcome(TaskOutcome.COMPLETED).setOutput(outcome.answer()).build();
        }
        return result.setOutcome(TaskOutcome.FAILED).setOutput(outcome.rawAnswer())
                .setError(reasons.redact(outcome.problem())).build();
    }

    /** Calls the model until the answer is valid or the re-asks are used up. */
    private Outcome ask(TaskIssued task, ProcessStep process, ModelRequest first) {
        ModelRequest request = first;
        int promptTokens = 0;
        int completionTokens = 0;
        int attempts = 0;
        for (int reask = 0;; reask++) {
            Attempted attempted = callWithRetries(task, request);
            attempts += attempted.calls;
            ModelReply reply = attempted.reply;
            promptTokens += reply.promptTokens();
            completionTokens += reply.completionTokens();
            AnswerValidator.Verdict verdict = AnswerValidator.check(process, reply.text());
            if (verdict.valid()) {
                return new Outcome(verdict.answer(), null, null, reply.model(), promptTokens, completionTokens,
                        attempts);
            }
            if (reask >= settings.maxReasks() || reply.text() == null) {
                return new Outcome(null, verdict.problem() + (reask > 0 ? " (after " + reask + " re-asks)" : ""),
                        reply.text(), reply.model(), promptTokens, completionTokens, attempts);
            }
            request = request.followUp(reply.text(), "Your answer is not acceptable: " + verdict.problem() + ". "
                    + PromptFactory.answerRules(process));
        }
    }

    private record Attempted(ModelReply reply, int calls) {
    }

    private Attempted callWithRetries(TaskIssued task, ModelRequest request) {
        long start = System.nanoTime();
        int failed = 0;
        while (true) {
            Optional<String> haltedBecause = halted.reason(task.getRunId());
            if (haltedBecause.isPresent()) {
                throw new GiveUp("run halted: " + haltedBecause.get(), failed, true);
            }
            if (stopped) {
                throw stopping();
            }
            ProviderGate gate = gates.forModel(request.model());
            ProviderGate.Permit permit = null;
            long promptTokens = PromptTokens.estimate(request);
            long reserve = promptTokens + (request.maxTokens() == null ? settings.defaultMaxTokens() : request.maxTokens());
            RunBudgets.Hold hold = holdBudget(task, request, promptTokens, reserve);
            long callStart = System.nanoTime();
            try {
                if (caller.isRemote()) {
                    permit = gate.acquire(reserve);
                }
                callStart = System.nanoTime();
                ModelReply reply = caller.call(request);
                if (permit != null) {
                    gate.settle(permit, (long) reply.promptTokens() + reply.completionTokens());
                }
                hold.settle((long) reply.promptTokens() + reply.completionTokens(),
                        prices.cost(reply.model(), reply.promptTokens(), reply.completionTokens()));
                return new Attempted(reply, failed + 1);
            } catch (InterruptedException e) {
                hold.settle(0, 0);
                Thread.currentThread().interrupt();
                throw stopping();
            } catch (UnsupportedOperationException e) {
                hold.settle(0, 0);
                throw new GiveUp(e.getMessage(), failed);
            } catch (RuntimeException e) {
                hold.settle(0, 0); // a failed call is not billed
                if (stopped || Thread.currentThread().isInterrupted() || causedByInterrupt(e)) {
                    // Cut short by a stopping worker: not an answer and not a failure of the task.
                    if (permit != null) {
                        gate.release(permit, new CallFailure(CallFailure.Kind.TRANSIENT, 0));
                    }
                    throw stopping();
                }
                long callNanos = System.nanoTime() - callStart;
                // A call that lasted the whole client timeout timed out, whatever the client threw.
                boolean timedOut = callNanos >= settings.callTimeout().toNanos() * 95 / 100;
                CallFailure failure = timedOut ? new CallFailure(CallFailure.Kind.TRANSIENT, 0) : CallFailure.of(e);
                if (permit != null) {
                    gate.release(permit, failure);
                }
                failed++;
                if (!timedOut && !CallFailure.recognised(e)) {
                    // a surprise: its stack says where (the task's reason only names it)
                    LOG.warn("task {} attempt {}: the model call failed unexpectedly", task.getTaskId(), failed, e);
                }
                String reason = timedOut ? "model call timed out after "
                        + settings.callTimeout().toMillis() + " ms" : reasons.of(e);
                if (!failure.retryable()) {
                    throw new GiveUp(reason, failed);
                }
                Duration delay = settings.retry().delay(failed, Optional.empty());
                if (!settings.retry().mayRetry(failed, System.nanoTime() - start, delay)) {
                    throw new GiveUp("gave up after " + failed + " attempts over "
                            + Duration.ofNanos(System.nanoTime() - start).toSeconds() + " s: " + reason, failed);
                }
                LOG.debug("task {} attempt {} failed ({}), retrying in {} ms", task.getTaskId(), failed, reason,
                        delay.toMillis());
                try {
                    Thread.sleep(delay.toMillis()); // back-off between attempts of this task
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw stopping();
                }
            }
        }
    }

    /** Reserves the call against its run's budget; a run that has spent it ends the task Skipped. */
    private RunBudgets.Hold holdBudget(TaskIssued task, ModelRequest request, long promptTokens, long reserve) {
        RunBudgets.Hold hold;
        try {
            hold = budgets.hold(task, caller.isRemote() ? request.model() : null, promptTokens, reserve);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw stopping();
        }
        if (hold.refusal().isPresent()) {
            throw new GiveUp(hold.refusal().get(), 0, true);
        }
        return hold;
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // Not InterruptedIOException: a socket time-out is one, and it is a failed call.
            if (t instanceof InterruptedException || t instanceof java.nio.channels.ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    /** Stopping is not an ending of the task: it gets no result and is redelivered. */
    private static java.util.concurrent.CancellationException stopping() {
        return new java.util.concurrent.CancellationException("the worker is stopping");
    }

    private String model(TaskIssued task, ProcessStep process) {
        if (settings.useTaskModel()) {
            if (process.getModel() != null && !process.getModel().isBlank()) {
                return process.getModel();
            }
            if (task.getModel() != null && !task.getModel().isBlank()) {
                return task.getModel();
            }
        }
        return settings.configuredModel();
    }

    private static TaskFinished.Builder finished(TaskIssued task, String model, long startNanos) {
        return TaskFinished.newBuilder()
                .setTaskId(task.getTaskId())
                .setRunId(task.getRunId())
                .setWorkflowId(task.getWorkflowId())
                .setReferenceId(task.getReferenceId())
                .setSourceConnection(task.getSourceConnection())
                .setProcessName(task.getProcessName())
                .setStageIndex(task.getStageIndex())
                .setOrigin(task.getOrigin())
                .setModel(model == null ? "" : model)
                .setIssuedAt(task.getIssuedAt())
                .setFinishedAt(Instant.now())
                .setLatencyMs((System.nanoTime() - startNanos) / 1_000_000);
    }
}
