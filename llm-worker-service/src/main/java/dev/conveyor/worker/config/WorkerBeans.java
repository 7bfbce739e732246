package dev.conveyor.worker.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.ConfigProvider;

import dev.conveyor.worker.offline.OfflineModel;
import dev.conveyor.worker.repository.PostgresBudgetLedger;
import dev.conveyor.worker.repository.PostgresSharedLimits;
import dev.conveyor.worker.repository.WorkerStoreSchema;
import dev.conveyor.worker.service.BudgetLedger;
import dev.conveyor.worker.service.RunBudgets;
import dev.conveyor.worker.service.SharedLimits;
import dev.conveyor.worker.offline.OfflineModelCaller;
import dev.conveyor.worker.service.FailureReasons;
import dev.conveyor.worker.service.HaltedRuns;
import dev.conveyor.worker.service.ModelCaller;
import dev.conveyor.worker.service.OpenAiModelCaller;
import dev.conveyor.worker.service.PriceTable;
import dev.conveyor.worker.service.PromptFactory;
import dev.conveyor.worker.service.ModelGates;
import dev.conveyor.worker.service.ProviderGate;
import dev.conveyor.worker.service.ProviderGates;
import dev.conveyor.worker.service.ResponseCache;
import dev.conveyor.worker.service.RetryPolicy;
import dev.conveyor.worker.service.TaskProcessor;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/** Builds the worker's parts from configuration. */
@ApplicationScoped
public class WorkerBeans {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerBeans.class);
    static final String OPENAI_DEFAULT_URL = "https://api.openai.com/v1";

    /**
     * The OpenAI-compatible chat model, built on quarkus-langchain4j-openai's HTTP client (found
     * by langchain4j through its service loader) but with the client's own retries off: every
     * retry is ours, so that each one waits as the provider asked and is counted.
     */
    @Produces
    @Singleton
    ModelCaller modelCaller(WorkerConfig config,
            @ConfigProperty(name = "quarkus.langchain4j.openai.base-url") String baseUrl,
            @ConfigProperty(name = "quarkus.langchain4j.openai.api-key") String apiKey,
            @ConfigProperty(name = "quarkus.langchain4j.openai.chat-model.model-name") String model,
            @ConfigProperty(name = "quarkus.langchain4j.openai.timeout") java.time.Duration timeout) {
        if (offline(config.provider(), baseUrl, apiKey)) {
            LOG.info("no model endpoint configured: answering with the offline model ({})",
                    "all-MiniLM-L6-v2, classification and extractive summaries");
            return new OfflineModelCaller(new OfflineModel());
        }
        LOG.info("calling the OpenAI-compatible endpoint at {}", baseUrl);
        ChatModel chat = OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .modelName(model)
                .timeout(timeout)
                .maxRetries(0)
                .logRequests(false)
                .logResponses(false)
                .build();
        return new OpenAiModelCaller(chat, config.jsonSchemaResponseFormat());
    }

    /** {@code auto} means offline when neither an endpoint nor a key was given. */
    static boolean offline(String provider, String baseUrl, String apiKey) {
        return switch (provider.toLowerCase(Locale.ROOT)) {
            case "offline" -> true;
            case "openai" -> false;
            case "auto" -> (apiKey == null || apiKey.isBlank() || apiKey.equals("none"))
                    && (baseUrl == null || baseUrl.isBlank() || baseUrl.startsWith(OPENAI_DEFAULT_URL));
            default -> throw new IllegalStateException("conveyor.worker.provider must be auto, openai or offline, not "
                    + provider);
        };
    }

    /**
     * The store every instance shares (rate-limit schedules, run budget ledgers): the worker's
     * PostgreSQL database when {@code quarkus.datasource.jdbc.url} is set; else none, and each
     * instance paces and holds budgets on its own (one instance, tests).
     */
    @Produces
    @Singleton
    SharedStore sharedStore(Instance<DataSource> dataSources) {
        if (ConfigProvider.getConfig().getOptionalValue("quarkus.datasource.jdbc.url", String.class).isEmpty()) {
            LOG.info("no worker database configured: rate limits and run budgets are kept by this instance alone");
            return new SharedStore(null, new BudgetLedger.InMemory());
        }
        DataSource dataSource = dataSources.get();
        try {
            WorkerStoreSchema.create(dataSource);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot prepare the worker's database: " + e.getMessage(), e);
        }
        LOG.info("rate limits and run budgets are shared with the other instances through the worker's database");
        return new SharedStore(new PostgresSharedLimits(dataSource), new PostgresBudgetLedger(dataSource));
    }

    /** The shared rate-limit schedules (null without a database) and the run budget ledger. */
    public record SharedStore(SharedLimits limits, BudgetLedger budgets) {
    }

    @Produces
    @Singleton
    ModelGates modelGates(WorkerConfig config, SharedStore store) {
        WorkerConfig.RateLimit limit = config.rateLimit();
        ModelGates gates = new ModelGates(model -> new ProviderGate(limit.requestsPerMinute(),
                limit.tokensPerMinute(), limit.burst(), limit.windowMargin(), limit.unpaceAfter(),
                config.breaker().failureThreshold(),
                config.breaker().cooldown(), store.limits(), model));
        ProviderGates.use(gates);
        return gates;
    }

    @Produces
    @Singleton
    RunBudgets runBudgets(SharedStore store, PriceTable prices, HaltedRuns halted,
            @ConfigProperty(name = "quarkus.langchain4j.openai.timeout") java.time.Duration timeout) {
        // A reservation outlives any call it holds for (time-out, back-off): it lapses only for a dead worker.
        return new RunBudgets(store.budgets(), prices, halted, timeout.multipliedBy(2).plusMinutes(1));
    }

    @Produces
    @Singleton
    ResponseCache responseCache(WorkerConfig config) {
        return new ResponseCache(config.cache().size());
    }

    @Produces
    @Singleton
    PriceTable priceTable(WorkerConfig config) {
        Map<String, PriceTable.Price> prices = new HashMap<>();
        config.prices().forEach((model, price) -> prices.put(model.toLowerCase(Locale.ROOT),
                new PriceTable.Price(price.inputPerMillion(), price.outputPerMillion())));
        return new PriceTable(prices);
    }

    @Produces
    @Singleton
    TaskProcessor taskProcessor(ModelCaller caller, ModelGates gates, ResponseCache cache, PriceTable prices,
            HaltedRuns halted, PromptFactory prompts, FailureReasons reasons, WorkerConfig config, RunBudgets budgets,
            @ConfigProperty(name = "quarkus.langchain4j.openai.chat-model.model-name") String configuredModel,
            @ConfigProperty(name = "quarkus.langchain4j.openai.timeout") java.time.Duration timeout) {
        String model = caller.isRemote() ? configuredModel : OfflineModel.MODEL_NAME;
        RetryPolicy retry = new RetryPolicy(config.retry().maxAttempts(), config.retry().baseDelay(),
                config.retry().maxDelay(), config.retry().maxElapsed());
        return new TaskProcessor(caller, gates, cache, prices, halted, prompts, reasons,
                new TaskProcessor.Settings(config.useTaskModel() && caller.isRemote(), model,
                        config.defaultMaxTokens(), config.maxReasks(), retry, timeout), budgets);
    }
}
