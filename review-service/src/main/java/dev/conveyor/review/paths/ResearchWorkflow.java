package dev.conveyor.review.paths;

import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A workflow of protocols as the seed lays out {@code protocols_info}; immutable once registered. */
public record ResearchWorkflow(String id, String name, ArrayNode protocolsInfo, Instant registeredAt) {

    public Optional<ObjectNode> protocol(int protocolIndex) {
        for (JsonNode p : protocolsInfo) {
            if (p.get("protocol_index").asInt() == protocolIndex) {
                return Optional.of((ObjectNode) p);
            }
        }
        return Optional.empty();
    }

    public java.util.List<Integer> protocolIndexes() {
        java.util.List<Integer> indexes = new java.util.ArrayList<>();
        protocolsInfo.forEach(p -> indexes.add(p.get("protocol_index").asInt()));
        return indexes;
    }
}
