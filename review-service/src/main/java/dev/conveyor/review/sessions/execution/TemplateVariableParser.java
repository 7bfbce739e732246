package dev.conveyor.review.sessions.execution;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AstNamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.tree.ExpressionNode;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.tree.TreeParser;
import com.hubspot.jinjava.tree.parse.ExpressionToken;

import dev.conveyor.review.sessions.VariableKind;
import jinjava.de.odysseus.el.tree.TreeBuilderException;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.ast.AstBoolean;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstFunction;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstMethod;
import jinjava.de.odysseus.el.tree.impl.ast.AstNested;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstNull;
import jinjava.de.odysseus.el.tree.impl.ast.AstNumber;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.de.odysseus.el.tree.impl.ast.AstString;

/**
 * Finds the runtime variables of a Superset dataset's SQL, which is a Jinja template. The template
 * is parsed by jinjava (tags and their nesting) and every expression by jinjava's expression parser
 * (calls, filters, literals), so nested {@code if}/{@code for}/{@code set} blocks and expressions
 * such as {@code "','".join(filter_values('a'))} are read as a tree, never with regular expressions.
 * <p>
 * Superset's macros: {@code filter_values(col, default)} and {@code get_filters(col)} read the
 * query's filters ({@code native_filter}); {@code url_param(name, default)} and names given in the
 * dataset's {@code template_params} are {@code parameter}s; a {@code {% set %}} computed from other
 * variables is {@code derived}; any other free name is {@code unknown}. A variable is required
 * unless every use is guarded by an {@code {% if %}} on it, has a default ({@code |default(...)},
 * a default argument) or a {@code template_params} value.
 */
public final class TemplateVariableParser {

    /** One variable as found; the aggregate's {@code TemplateVariable} is built from it. */
    public record Found(String name, VariableKind kind, String expressionSource, boolean required,
            JsonNode defaultValue, boolean fromTemplateParams) {
    }

    /** A part of the SQL that does not parse, with the parser's message and its line (1-based). */
    public record SyntaxProblem(String message, int line) {
    }

    public record Result(List<Found> variables, List<SyntaxProblem> problems) {
    }

    private static final Set<String> FILTER_MACROS = Set.of("filter_values", "get_filters");
    private static final String URL_PARAM = "url_param";
    /** What Superset's Jinja context provides by itself: never a variable to map. */
    private static final Set<String> SUPERSET_CONTEXT = Set.of("current_username", "current_user_id",
            "current_user_email", "current_user_roles", "current_user_rls_rules", "cache_key_wrapper", "metric",
            "dataset", "get_time_filter", "from_dttm", "to_dttm", "columns", "groupby", "metrics", "filter",
            "row_limit", "row_offset", "table_columns", "time_column", "time_grain", "form_data", "presto", "hive",
            "trino", "datetime", "random", "relativedelta", "time", "timedelta", "uuid", "range", "loop", "true",
            "false", "none", "True", "False", "None", "caller", "super", "self", "namespace");
    private static final Pattern FOR_HELPERS = Pattern.compile("^\\s*([\\w\\s,()]+?)\\s+in\\s+(.+)$", Pattern.DOTALL);
    private static final Pattern SET_HELPERS = Pattern.compile("^\\s*([\\w\\s,]+?)\\s*=(?!=)(.+)$", Pattern.DOTALL);
    private static final Pattern MACRO_HELPERS = Pattern.compile("^\\s*(\\w+)\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);
    private static final Jinjava JINJAVA = new Jinjava();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TemplateVariableParser() {
    }

    public static Result parse(String sql, JsonNode templateParams) {
        Walk walk = new Walk(templateParams == null || !templateParams.isObject() ? NODES.objectNode()
                : templateParams);
        if (sql == null || sql.isBlank()) {
            return new Result(List.of(), List.of());
        }
        JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
        Node root;
        try {
            root = new TreeParser(interpreter, sql).buildTree();
        } catch (RuntimeException e) {
            return new Result(List.of(), List.of(new SyntaxProblem(String.valueOf(e.getMessage()), 1)));
        }
        for (TemplateError error : interpreter.getErrors()) {
            if (error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR
                    || error.getSeverity() == TemplateError.ErrorType.FATAL) {
                walk.problems.add(new SyntaxProblem(error.getMessage(), Math.max(1, error.getLineno())));
            }
        }
        walk.children(root, new Scope(Set.of(), Set.of()));
        return new Result(walk.result(), walk.problems);
    }

    /** Names bound locally (loop variables, {@code set} targets, macro arguments) and names checked by an enclosing {@code if}. */
    private record Scope(Set<String> local, Set<String> guarded) {
        Scope withLocal(Collection<String> names) {
            Set<String> l = new HashSet<>(local);
            l.addAll(names);
            return new Scope(l, guarded);
        }

        Scope withGuards(Collection<String> names) {
            Set<String> g = new HashSet<>(guarded);
            g.addAll(names);
            return new Scope(local, g);
        }
    }

    /** One use of a variable. */
    private record Use(String name, VariableKind kind, boolean defaulted, JsonNode defaultValue, boolean bare) {
    }

    private static final class Walk {
        final JsonNode templateParams;
        final List<SyntaxProblem> problems = new ArrayList<>();
        final Map<String, Found> found = new LinkedHashMap<>();
        /** Uses recorded so far: a block {@code set} is derived when its body used any. */
        int recorded;

        Walk(JsonNode templateParams) {
            this.templateParams = templateParams;
        }

        List<Found> result() {
            return List.copyOf(found.values());
        }

        void children(Node parent, Scope scope) {
            Scope current = scope;
            for (Node child : parent.getChildren()) {
                current = node(child, current, scope);
            }
        }

        /** Walks one node; answers the scope for its following siblings (a {@code set} binds a name). */
        Scope node(Node n, Scope scope, Scope parentScope) {
            if (n instanceof ExpressionNode e) {
                String expr = ((ExpressionToken) e.getMaster()).getExpr();
                record(uses(expr, n), n, scope);
                return scope;
            }
            if (!(n instanceof TagNode t)) {
                return scope;
            }
            String helpers = t.getHelpers() == null ? "" : t.getHelpers().trim();
            switch (t.getName()) {
                case "if" -> {
                    Scope inner = branch(helpers, n, scope);
                    // elif/else arrive as children: each re-scopes the siblings after it
                    Scope current = inner;
                    for (Node child : n.getChildren()) {
                        if (child instanceof TagNode c && c.getName().equals("elif")) {
                            current = branch(c.getHelpers() == null ? "" : c.getHelpers().trim(), c, scope);
                        } else if (child instanceof TagNode c && c.getName().equals("else")) {
                            current = scope;
                        } else {
                            current = node(child, current, inner);
                        }
                    }
                    return scope;
                }
                case "for" -> {
                    Matcher m = FOR_HELPERS.matcher(helpers);
                    if (!m.matches()) {
                        problems.add(new SyntaxProblem("cannot read the for loop '" + helpers + "'", line(n)));
                        return scope;
                    }
                    record(uses(m.group(2), n), n, scope);
                    children(n, scope.withLocal(names(m.group(1))));
                    return scope;
                }
                case "set" -> {
                    Matcher m = SET_HELPERS.matcher(helpers);
                    List<String> targets;
                    List<Use> uses;
                    if (m.matches()) {
                        targets = names(m.group(1));
                        uses = uses(m.group(2), n);
                        record(uses, n, scope);
                    } else {
                        // a block set: {% set x %}...{% endset %}
                        targets = names(helpers);
                        int before = recorded;
                        children(n, scope);
                        uses = recorded > before ? List.of(new Use("", VariableKind.UNKNOWN, false, null, false))
                                : List.of();
                    }
                    boolean fromVariables = uses.stream().anyMatch(u -> !u.bare() || !scope.local().contains(u.name()));
                    if (fromVariables) {
                        for (String target : targets) {
                            add(target, VariableKind.DERIVED, image(n), false, null, false);
                        }
                    }
                    return scope.withLocal(targets);
                }
                case "macro" -> {
                    Matcher m = MACRO_HELPERS.matcher(helpers);
                    List<String> args = new ArrayList<>();
                    if (m.matches()) {
                        for (String a : m.group(2).split(",")) {
                            String name = a.split("=")[0].trim();
                            if (!name.isEmpty()) {
                                args.add(name);
                            }
                        }
                    }
                    children(n, scope.withLocal(args));
                    return m.matches() ? scope.withLocal(List.of(m.group(1))) : scope;
                }
                case "raw", "comment" -> {
                    return scope;
                }
                default -> {
                    if (!helpers.isEmpty() && !t.getName().equals("else") && !t.getName().startsWith("end")) {
                        record(uses(helpers, n), n, scope);
                    }
                    children(n, scope);
                    return scope;
                }
            }
        }

        /** An if/elif condition: its names are checked, so uses inside the branch are guarded. */
        Scope branch(String condition, Node n, Scope scope) {
            List<Use> uses = uses(condition, n);
            Scope guarded = scope.withGuards(uses.stream().map(Use::name).toList());
            // a use in the condition itself only tests for presence
            record(uses, n, guarded);
            return guarded;
        }

        void record(List<Use> uses, Node n, Scope scope) {
            for (Use u : uses) {
                if (u.bare() && scope.local().contains(u.name())) {
                    continue;
                }
                recorded++;
                boolean required = !u.defaulted() && !scope.guarded().contains(u.name());
                add(u.name(), u.kind(), image(n), required, u.defaultValue(),
                        u.bare() && u.kind() == VariableKind.PARAMETER);
            }
        }

        void add(String name, VariableKind kind, String source, boolean required, JsonNode defaultValue,
                boolean fromTemplateParams) {
            String key = kind.wire() + (fromTemplateParams ? "/template_params" : "") + ":" + name;
            Found old = found.get(key);
            if (old == null) {
                found.put(key, new Found(name, kind, source, required, defaultValue, fromTemplateParams));
            } else {
                found.put(key, new Found(name, kind, old.expressionSource(), old.required() || required,
                        old.defaultValue() != null ? old.defaultValue() : defaultValue, fromTemplateParams));
            }
        }

        List<Use> uses(String expression, Node at) {
            AstNode root;
            try {
                root = (AstNode) new ExtendedSyntaxBuilder(Builder.Feature.METHOD_INVOCATIONS,
                        Builder.Feature.VARARGS).build("#{" + expression + "}").getRoot();
            } catch (TreeBuilderException e) {
                problems.add(new SyntaxProblem(e.getMessage(), line(at)));
                return List.of();
            }
            List<Use> out = new ArrayList<>();
            expression(root, false, null, out);
            return out;
        }

        /** Collects the uses under {@code node}; {@code defaulted} when a {@code |default} wraps it. */
        void expression(AstNode node, boolean defaulted, JsonNode defaultValue, List<Use> out) {
            if (node instanceof AstFunction f) {
                List<AstNode> params = params(f);
                String first = params.isEmpty() ? null : string(params.get(0));
                if (FILTER_MACROS.contains(f.getName()) && first != null) {
                    JsonNode dflt = f.getName().equals("filter_values") ? argument(params, 1, "default") : null;
                    out.add(new Use(first, VariableKind.NATIVE_FILTER, defaulted || dflt != null,
                            dflt != null ? dflt : defaultValue, false));
                    return;
                }
                if (f.getName().equals(URL_PARAM) && first != null) {
                    JsonNode dflt = argument(params, 1, "default");
                    out.add(new Use(first, VariableKind.PARAMETER, defaulted || dflt != null,
                            dflt != null ? dflt : defaultValue, false));
                    return;
                }
                params.forEach(p -> expression(p, defaulted, defaultValue, out));
                return;
            }
            if (node instanceof AstMethod m && filterName(m) != null) {
                String filter = filterName(m);
                List<AstNode> params = astChildren((AstNode) m.getChild(1));
                // params: the filtered value, the interpreter, then the filter's arguments
                boolean isDefault = filter.equals("default") || filter.equals("d");
                JsonNode dflt = isDefault && params.size() > 2 ? literal(params.get(2)) : null;
                for (int i = 0; i < params.size(); i++) {
                    if (i == 0) {
                        expression(params.get(0), defaulted || isDefault, isDefault ? dflt : defaultValue, out);
                    } else {
                        expression(params.get(i), defaulted, defaultValue, out);
                    }
                }
                return;
            }
            if (node instanceof AstIdentifier id) {
                String name = id.getName();
                if (name.contains(":") || name.startsWith("____") || SUPERSET_CONTEXT.contains(name)) {
                    return;
                }
                if (templateParams.has(name)) {
                    out.add(new Use(name, VariableKind.PARAMETER, true, templateParams.get(name), true));
                } else {
                    out.add(new Use(name, VariableKind.UNKNOWN, defaulted, defaultValue, true));
                }
                return;
            }
            if (node instanceof AstDot d) {
                // a.b reads a
                expression(d.getChild(0), defaulted, defaultValue, out);
                return;
            }
            for (AstNode child : astChildren(node)) {
                expression(child, defaulted, defaultValue, out);
            }
        }

        static String filterName(AstMethod m) {
            if (m.getChild(0) instanceof AstDot d && d.getChild(0) instanceof AstIdentifier id
                    && id.getName().startsWith("filter:")) {
                return id.getName().substring("filter:".length());
            }
            return null;
        }
    }

    static List<AstNode> params(AstFunction f) {
        return f.getCardinality() > 0 ? astChildren(f.getChild(0)) : List.of();
    }

    /** Children of a node, including those jinjava's literal-like nodes (lists, dicts, named arguments) keep in fields. */
    static List<AstNode> astChildren(AstNode node) {
        List<AstNode> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        for (int i = 0; i < node.getCardinality(); i++) {
            out.add((AstNode) node.getChild(i));
        }
        if (out.isEmpty() && node.getClass().getName().startsWith("com.hubspot.jinjava.el.ext.")) {
            for (Class<?> c = node.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        Object v = f.get(node);
                        if (v instanceof AstParameters p) {
                            out.addAll(astChildren(p));
                        } else if (v instanceof AstNode a && !(a instanceof AstIdentifier)) {
                            out.add(a);
                        } else if (v instanceof Map<?, ?> map) {
                            map.forEach((k, val) -> {
                                if (k instanceof AstNode a) {
                                    out.add(a);
                                }
                                if (val instanceof AstNode a) {
                                    out.add(a);
                                }
                            });
                        }
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // not readable: its names stay unseen, which only makes the variable list shorter
                    }
                }
            }
        }
        return out;
    }

    /** Positional argument {@code index} or the named one, as a literal. */
    static JsonNode argument(List<AstNode> params, int index, String name) {
        for (AstNode p : params) {
            if (p instanceof AstNamedParameter np && name.equals(parameterName(np))) {
                return literalValue(np.eval(null, null));
            }
        }
        List<AstNode> positional = params.stream().filter(p -> !(p instanceof AstNamedParameter)).toList();
        return positional.size() > index ? literal(positional.get(index)) : null;
    }

    /** jinjava keeps a named argument's name in a field it does not expose. */
    static String parameterName(AstNamedParameter p) {
        for (Field f : AstNamedParameter.class.getDeclaredFields()) {
            if (AstIdentifier.class.isAssignableFrom(f.getType())) {
                try {
                    f.setAccessible(true);
                    return ((AstIdentifier) f.get(p)).getName();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    static String string(AstNode n) {
        return n instanceof AstString s ? String.valueOf(s.eval(null, null)) : null;
    }

    /** A literal's JSON value; anything computed is kept as its source text. */
    static JsonNode literal(AstNode n) {
        if (n instanceof AstNested nested) {
            return literal(nested.getChild(0));
        }
        if (n instanceof AstString || n instanceof AstNumber || n instanceof AstBoolean || n instanceof AstNull) {
            return literalValue(n.eval(null, null));
        }
        if (n instanceof AstIdentifier id && Set.of("none", "None").contains(id.getName())) {
            return NODES.nullNode();
        }
        if (n instanceof com.hubspot.jinjava.el.ext.AstList) {
            ArrayNode a = NODES.arrayNode();
            astChildren(n).forEach(c -> a.add(literal(c)));
            return a;
        }
        return NODES.textNode(structure(n));
    }

    static JsonNode literalValue(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof Number num) {
            return num instanceof Double || num instanceof Float || num instanceof java.math.BigDecimal
                    ? NODES.numberNode(new java.math.BigDecimal(num.toString()))
                    : num.longValue() == num.intValue() ? NODES.numberNode(num.intValue())
                    : NODES.numberNode(num.longValue());
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        return NODES.textNode(v.toString());
    }

    static String structure(AstNode n) {
        StringBuilder b = new StringBuilder();
        n.appendStructure(b, null);
        return b.toString();
    }

    static List<String> names(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.replace("(", " ").replace(")", " ").split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    static String image(Node n) {
        return n.getMaster() == null ? "" : n.getMaster().getImage();
    }

    static int line(Node n) {
        return Math.max(1, n.getLineNumber());
    }
}
