package dev.conveyor.worker.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One {@link ProviderGate} per model: providers limit each model separately (its own requests
 * and tokens per minute, reported in the headers of that model's answers), so a model at its
 * limit never holds back calls to another.
 */
public final class ModelGates {

    private final Map<String, ProviderGate> gates = new ConcurrentHashMap<>();
    private final java.util.function.Function<String, ProviderGate> factory;

    public ModelGates(Supplier<ProviderGate> factory) {
        this.factory = model -> factory.get();
    }

    /** Gates made for each model by name (a shared store keeps a schedule per model). */
    public ModelGates(java.util.function.Function<String, ProviderGate> factory) {
        this.factory = factory;
    }

    public ProviderGate forModel(String model) {
        return gates.computeIfAbsent(model == null ? "" : model, factory);
    }
}
