package dev.conveyor.worker.service;

import java.util.Locale;
import java.util.Map;

/**
 * Prices per million tokens by model name, from configuration. A provider's dated model name
 * ({@code gpt-4o-mini-2024-07-18}) is priced as its longest configured prefix.
 */
public final class PriceTable {

    /** US dollars per million prompt and completion tokens. */
    public record Price(double inputPerMillion, double outputPerMillion) {
    }

    private final Map<String, Price> prices;

    public PriceTable(Map<String, Price> prices) {
        this.prices = Map.copyOf(prices);
    }

    public double cost(String model, int promptTokens, int completionTokens) {
        Price price = find(model);
        if (price == null) {
            return 0;
        }
        return (promptTokens * price.inputPerMillion() + completionTokens * price.outputPerMillion()) / 1_000_000d;
    }

    public boolean knows(String model) {
        return find(model) != null;
    }

    private Price find(String model) {
        if (model == null) {
            return null;
        }
        String name = model.toLowerCase(Locale.ROOT);
        Price exact = prices.get(name);
        if (exact != null) {
            return exact;
        }
        String best = null;
        for (String candidate : prices.keySet()) {
            if (name.startsWith(candidate) && (best == null || candidate.length() > best.length())) {
                best = candidate;
            }
        }
        return best == null ? null : prices.get(best);
    }
}
