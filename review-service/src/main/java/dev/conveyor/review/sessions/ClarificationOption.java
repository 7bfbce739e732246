package dev.conveyor.review.sessions;

/** A selectable answer to a question (seed §7). */
public class ClarificationOption {
    public String optionId;
    public String questionId;
    public String label;
    public String value;
    public boolean isRecommended;
    public int displayOrder;
}
