package dev.conveyor.review.paths;

import java.util.List;

/**
 * A change the rules refuse. {@link Kind#CONFLICT}: the change does not fit the Path's status
 * (HTTP 409); {@link Kind#INVALID}: the request is malformed, {@code field} names where (HTTP 400).
 */
public class PathRuleException extends RuntimeException {

    public enum Kind { CONFLICT, INVALID, NOT_FOUND }

    /** One offending field of the request. */
    public record Violation(String field, String message) {
    }

    private final Kind kind;
    private final transient List<Violation> violations;

    private PathRuleException(Kind kind, String message, List<Violation> violations) {
        super(message);
        this.kind = kind;
        this.violations = List.copyOf(violations);
    }

    public static PathRuleException conflict(String message) {
        return new PathRuleException(Kind.CONFLICT, message, List.of());
    }

    public static PathRuleException notFound(String field, String message) {
        return new PathRuleException(Kind.NOT_FOUND, field + ": " + message, List.of(new Violation(field, message)));
    }

    public static PathRuleException invalid(String field, String message) {
        return new PathRuleException(Kind.INVALID, field + ": " + message, List.of(new Violation(field, message)));
    }

    public static PathRuleException invalid(List<Violation> violations) {
        String message = violations.size() == 1 ? violations.get(0).field() + ": " + violations.get(0).message()
                : violations.size() + " fields are invalid";
        return new PathRuleException(Kind.INVALID, message, violations);
    }

    public Kind kind() {
        return kind;
    }

    public List<Violation> violations() {
        return violations;
    }
}
