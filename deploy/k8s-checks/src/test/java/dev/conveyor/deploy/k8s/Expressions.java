package dev.conveyor.deploy.k8s;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code ${NAME:default}} expressions of MicroProfile Config values. */
final class Expressions {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^${}:]+)(?::([^${}]*))?}");

    private Expressions() {
    }

    /** Every name a value refers to: {@code ${A:${B:x}}} refers to A and B. */
    static Set<String> names(String value) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\$\\{([^}:$]+)").matcher(value);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Resolves innermost expressions first; a name {@code lookup} does not know takes its default. */
    static String resolve(String value, Function<String, String> lookup) {
        String current = value;
        for (int guard = 0; guard < 20; guard++) {
            Matcher m = REFERENCE.matcher(current);
            if (!m.find()) {
                return current;
            }
            StringBuilder out = new StringBuilder();
            m.reset();
            while (m.find()) {
                String found = lookup.apply(m.group(1));
                String replacement = found != null ? found : m.group(2) != null ? m.group(2) : "";
                m.appendReplacement(out, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(out);
            current = out.toString();
        }
        throw new IllegalStateException("Expression does not settle: " + value);
    }
}
