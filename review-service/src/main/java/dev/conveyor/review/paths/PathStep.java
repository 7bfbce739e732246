package dev.conveyor.review.paths;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One element of {@code path_data.steps}.
 *
 * @param position   index in the list, from 0
 * @param aiOriginal the AI's data before a person edited the step; null when never edited from AI
 */
public record PathStep(int position, StepType step, int pathIndex, StepMode mode, ObjectNode data,
        ObjectNode aiOriginal) {
}
