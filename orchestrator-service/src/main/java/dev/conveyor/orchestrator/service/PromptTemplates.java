package dev.conveyor.orchestrator.service;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Placeholders of a process template: {@code {{column}}}. Spaces inside the braces are
 * allowed on input ({@code {{ column }}}) and removed when the template is stored, so that the
 * template a worker receives holds exactly {@code "{{" + column + "}}"} for every column it reads.
 */
final class PromptTemplates {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]*)}}");

    /** A template with its placeholders in canonical form, and the columns in order of first use. */
    record Parsed(String template, List<String> columns, boolean hasEmptyPlaceholder) {
    }

    private PromptTemplates() {
    }

    static Parsed parse(String template) {
        Set<String> columns = new LinkedHashSet<>();
        boolean empty = false;
        StringBuilder canonical = new StringBuilder();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            String column = m.group(1).strip();
            if (column.isEmpty()) {
                empty = true;
                m.appendReplacement(canonical, Matcher.quoteReplacement(m.group()));
            } else {
                columns.add(column);
                m.appendReplacement(canonical, Matcher.quoteReplacement("{{" + column + "}}"));
            }
        }
        m.appendTail(canonical);
        return new Parsed(canonical.toString(), new ArrayList<>(columns), empty);
    }
}
