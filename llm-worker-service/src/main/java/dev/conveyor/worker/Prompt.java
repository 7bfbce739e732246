package dev.conveyor.worker;

/**
 * What the model is asked: the instructions in the system message, the row only as delimited
 * data in the user message.
 */
public record Prompt(String system, String user) {
}
