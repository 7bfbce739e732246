package dev.conveyor.worker.messaging;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

/** Puts the worker's channels on the in-memory connector: no broker, no topics. */
public class InMemoryChannels implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.putAll(InMemoryConnector.switchIncomingChannelsToInMemory(TaskConsumer.CHANNEL, "run-controls"));
        config.putAll(InMemoryConnector.switchOutgoingChannelsToInMemory(ResultPublisher.CHANNEL, "dead-letter"));
        config.put("conveyor.worker.prepare-topics", "false");
        config.put("kafka.bootstrap.servers", "localhost:9"); // required by the settings, never dialled
        return config;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
