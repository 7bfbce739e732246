package dev.conveyor.review.sessions.execution;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.conveyor.review.sessions.Change;
import dev.conveyor.review.sessions.DatasetReviewSession;
import dev.conveyor.review.sessions.FindingArea;
import dev.conveyor.review.sessions.FindingSeverity;
import dev.conveyor.review.sessions.MappingStatus;
import dev.conveyor.review.sessions.ResolutionState;
import dev.conveyor.review.sessions.SessionEventType;
import dev.conveyor.review.sessions.TemplateVariable;
import dev.conveyor.review.sessions.ValidationFinding;
import dev.conveyor.review.sessions.VariableKind;

/**
 * Builds the session's template variables from its profile's SQL (after every intake): a variable
 * found again keeps its id, so its mappings stay; {@code template_mapping} findings say what does
 * not parse (blocking: Superset could not compile it either) and which names nothing can give a
 * value (blocking until a person accepts them: Superset renders them empty).
 */
public final class TemplateVariables {

    public static final String TEMPLATE_SYNTAX_ERROR = "template_syntax_error";
    public static final String TEMPLATE_VARIABLE_UNKNOWN = "template_variable_unknown";

    private TemplateVariables() {
    }

    /** The variables and findings of the profile's SQL now; null when there is nothing to record. */
    public static Change discover(DatasetReviewSession s, Instant now) {
        TemplateVariableParser.Result parsed = TemplateVariableParser.parse(s.profile == null ? null : s.profile.sql,
                s.profile == null ? null : s.profile.templateParams);
        List<TemplateVariable> variables = new ArrayList<>();
        List<ValidationFinding> findings = new ArrayList<>();
        for (TemplateVariableParser.Found f : parsed.variables()) {
            TemplateVariable old = s.templateVariables.stream()
                    .filter(v -> v.variableKind == f.kind() && v.variableName.equals(f.name())
                            && java.util.Objects.equals(v.passedAs, passedAs(f)))
                    .findFirst().orElse(null);
            TemplateVariable v = new TemplateVariable();
            v.variableId = old != null ? old.variableId : UUID.randomUUID().toString();
            v.sessionId = s.sessionId;
            v.variableName = f.name();
            v.expressionSource = f.expressionSource();
            v.variableKind = f.kind();
            v.passedAs = passedAs(f);
            // nothing can give an unknown or derived name a value: launch cannot wait for one
            v.isRequired = f.required() && v.passedAs != null
                    && !ExecutionInputs.PASSED_AS_TEMPLATE_PARAMS.equals(v.passedAs);
            v.defaultValue = f.defaultValue();
            v.mappingStatus = MappingStatus.UNMAPPED;
            v.createdAt = old != null ? old.createdAt : now;
            v.updatedAt = now;
            variables.add(v);
            if (f.kind() == VariableKind.UNKNOWN && !hasFinding(s, TEMPLATE_VARIABLE_UNKNOWN, v.variableId)) {
                findings.add(finding(s, FindingSeverity.BLOCKING, TEMPLATE_VARIABLE_UNKNOWN,
                        "The SQL uses " + f.name() + ", which nothing defines",
                        "'" + f.name() + "' (" + f.expressionSource() + ") is neither a Superset macro nor in the "
                                + "dataset's template_params, so Superset renders it empty"
                                + (f.required() ? "" : " unless its default applies")
                                + ". Add it to template_params in Superset and import again, or approve the finding "
                                + "if empty is meant.",
                        v.variableId, now));
            }
        }
        List<String> messages = parsed.problems().stream().map(p -> "line " + p.line() + ": " + p.message()).toList();
        for (ValidationFinding old : s.findings) {
            boolean stale = old.isOpen() && (old.code.equals(TEMPLATE_SYNTAX_ERROR) && !messages.contains(old.message)
                    || old.code.equals(TEMPLATE_VARIABLE_UNKNOWN)
                            && variables.stream().noneMatch(v -> v.variableId.equals(old.causedByRef)));
            if (stale) {
                ValidationFinding resolved = Change.copy(old);
                resolved.resolutionState = ResolutionState.RESOLVED;
                resolved.resolutionNote = "resolved by the system: the dataset's SQL changed";
                resolved.resolvedAt = now;
                findings.add(resolved);
            }
        }
        for (String message : messages) {
            boolean known = s.findings.stream().anyMatch(x -> x.isOpen() && x.code.equals(TEMPLATE_SYNTAX_ERROR)
                    && x.message.equals(message));
            if (!known) {
                findings.add(finding(s, FindingSeverity.BLOCKING, TEMPLATE_SYNTAX_ERROR,
                        "The dataset's SQL template does not parse", message, null, now));
            }
        }
        if (variables.isEmpty() && s.templateVariables.isEmpty() && findings.isEmpty()) {
            return null; // plain SQL or a table, before and after: nothing to record
        }
        return Change.of(SessionEventType.TEMPLATE_VARIABLES_DISCOVERED, "variables", variables)
                .with("findings", findings);
    }

    static String passedAs(TemplateVariableParser.Found f) {
        return switch (f.kind()) {
            case NATIVE_FILTER -> ExecutionInputs.PASSED_AS_FILTERS;
            case PARAMETER -> f.fromTemplateParams() ? ExecutionInputs.PASSED_AS_TEMPLATE_PARAMS
                    : ExecutionInputs.PASSED_AS_URL_PARAMS;
            case DERIVED, UNKNOWN -> null;
        };
    }

    static boolean hasFinding(DatasetReviewSession s, String code, String ref) {
        return s.findings.stream().anyMatch(f -> f.code.equals(code) && ref.equals(f.causedByRef));
    }

    public static ValidationFinding finding(DatasetReviewSession s, FindingSeverity severity, String code, String title,
            String message, String ref, Instant now) {
        return ValidationFinding.open(s.sessionId, FindingArea.TEMPLATE_MAPPING, severity, code, title, message, ref,
                now);
    }
}
