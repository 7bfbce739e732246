package dev.conveyor.worker.service;

/** A model's answer with what it cost. */
public record ModelReply(String text, String model, int promptTokens, int completionTokens) {
}
