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

import dev.conveyor.worker.offline.OfflineModel;
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

    @Produces
    @Singleton
    ModelGates modelGates(WorkerConfig config) {
        ModelGates gates = new ModelGates(() -> new ProviderGate(config.rateLimit().requestsPerMinute(),
                config.rateLimit().tokensPerMinute(), config.rateLimit().burst(), config.breaker().failureThreshold(),
                config.breaker().cooldown()));
        ProviderGates.use(gates);
        return gates;
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
            HaltedRuns halted, PromptFactory prompts, FailureReasons reasons, WorkerConfig config,
            @ConfigProperty(name = "quarkus.langchain4j.openai.chat-model.model-name") String configuredModel,
            @ConfigProperty(name = "quarkus.langchain4j.openai.timeout") java.time.Duration timeout) {
        String model = caller.isRemote() ? configuredModel : OfflineModel.MODEL_NAME;
        RetryPolicy retry = new RetryPolicy(config.retry().maxAttempts(), config.retry().baseDelay(),
                config.retry().maxDelay(), config.retry().maxElapsed());
        return new TaskProcessor(caller, gates, cache, prices, halted, prompts, reasons,
                new TaskProcessor.Settings(config.useTaskModel() && caller.isRemote(), model,
                        config.defaultMaxTokens(), config.maxReasks(), retry, timeout));
    }
}
