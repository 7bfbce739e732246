package dev.conveyor.deploy.k8s;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The properties a service's {@code @ConfigMapping} interfaces declare, read from their source:
 * each leaf with its full name, whether it has a default ({@code @WithDefault}, an
 * {@code Optional}), and the map it sits under ({@code conveyor.superset.environments.<id>.password}).
 * Nested groups are interfaces of the same file. A leaf without a default, not under a map, is
 * one SmallRye Config requires at startup; under a map, it is required for every key the
 * configuration names.
 */
final class ConfigMappings {

    /** One declared property; {@code map} is the map's property name when the leaf sits under one, else null. */
    record Leaf(String name, boolean required, String map, String rest) {
    }

    private static final Pattern PREFIX = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
    private static final Pattern METHOD = Pattern.compile(
            "((?:@\\w+(?:\\([^)]*\\))?\\s*)*)([\\w.<>, ?\\[\\]]+?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*;");

    private ConfigMappings() {
    }

    /** Every leaf of every mapping in the given sources. */
    static List<Leaf> leaves(List<Path> sources) {
        List<Leaf> leaves = new ArrayList<>();
        for (Path source : sources) {
            leaves.addAll(leaves(Repo.read(source)));
        }
        return leaves;
    }

    static List<Leaf> leaves(String source) {
        Matcher prefix = PREFIX.matcher(source);
        if (!prefix.find()) {
            return List.of();
        }
        String text = source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
        Map<String, String> bodies = interfaces(text);
        String root = INTERFACE.matcher(text.substring(text.indexOf(prefix.group(0)))).results()
                .map(r -> r.group(1)).findFirst().orElseThrow();
        List<Leaf> leaves = new ArrayList<>();
        walk(bodies, root, prefix.group(1), null, null, leaves);
        return leaves;
    }

    private static void walk(Map<String, String> bodies, String type, String path, String map, String mapPath,
            List<Leaf> out) {
        Matcher m = METHOD.matcher(bodies.get(type));
        while (m.find()) {
            String annotations = m.group(1);
            String returned = m.group(2).trim();
            Matcher named = Pattern.compile("@WithName\\(\"([^\"]+)\"\\)").matcher(annotations);
            String property = named.find() ? named.group(1) : kebab(m.group(3));
            String full = path + "." + property;
            Matcher mapOf = Pattern.compile("Map<\\s*String\\s*,\\s*(\\w+)\\s*>").matcher(returned);
            if (mapOf.matches() && bodies.containsKey(mapOf.group(1)) && map == null) {
                walk(bodies, mapOf.group(1), full + ".*", full, full + ".*", out);
                continue;
            }
            if (bodies.containsKey(returned)) {
                walk(bodies, returned, full, map, mapPath, out);
                continue;
            }
            boolean optional = returned.startsWith("Optional") || returned.startsWith("Map<")
                    || annotations.contains("@WithDefault");
            out.add(new Leaf(full, !optional, map, map == null ? null : full.substring(mapPath.length() + 1)));
        }
    }

    /** Interface name to its own body (nested interfaces' bodies removed). */
    private static Map<String, String> interfaces(String text) {
        Map<String, String> bodies = new HashMap<>();
        Matcher m = INTERFACE.matcher(text);
        while (m.find()) {
            int open = m.end() - 1;
            int depth = 0;
            StringBuilder own = new StringBuilder();
            for (int i = open; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (depth == 0) {
                        break;
                    }
                } else if (depth == 1) {
                    own.append(c);
                }
            }
            bodies.put(m.group(1), own.toString());
        }
        return bodies;
    }

    private static String kebab(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
