package dev.conveyor.worker.service;

/**
 * Where the instances of the worker that share an API key keep one rate-limit schedule per model
 * ({@link PacedSlots}): PostgreSQL in production ({@code repository.PostgresSharedLimits}), memory
 * within one JVM. A store that cannot be reached throws {@link Unavailable}; the gate then paces
 * on its own until the store answers again.
 */
public interface SharedLimits {

    /** Takes the next slot for one call to {@code model}, if it starts within {@code horizonMicros}. */
    PacedSlots.Decision reserve(String model, PacedSlots.Rates rates, long tokens, long horizonMicros);

    /** A 429 for {@code model}: every instance pauses and paces from now on. */
    void rateLimited(String model, long pauseMicros);

    /** Whether the schedule of {@code model} paces evenly (a 429 was seen by some instance). */
    boolean paced(String model);

    /** The store could not be reached. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One JVM's schedules in memory: the tests', and any two gates of one process. */
    final class InMemory implements SharedLimits {
        private final java.util.Map<String, PacedSlots.State> states = new java.util.HashMap<>();
        private final java.util.function.LongSupplier micros;

        public InMemory(java.util.function.LongSupplier micros) {
            this.micros = micros;
        }

        @Override
        public synchronized PacedSlots.Decision reserve(String model, PacedSlots.Rates rates, long tokens,
                long horizonMicros) {
            PacedSlots.Decision d = PacedSlots.reserve(states.getOrDefault(model, PacedSlots.State.FRESH),
                    micros.getAsLong(), rates, tokens, horizonMicros);
            states.put(model, d.next());
            return d;
        }

        @Override
        public synchronized void rateLimited(String model, long pauseMicros) {
            states.put(model, PacedSlots.rateLimited(states.getOrDefault(model, PacedSlots.State.FRESH),
                    micros.getAsLong(), pauseMicros));
        }

        @Override
        public synchronized boolean paced(String model) {
            return states.getOrDefault(model, PacedSlots.State.FRESH).paced();
        }
    }
}
