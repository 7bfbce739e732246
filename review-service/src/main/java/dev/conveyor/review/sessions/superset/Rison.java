package dev.conveyor.review.sessions.superset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Decodes Rison (the URL-friendly JSON Superset writes into {@code native_filters=} and other
 * query parameters): {@code (a:1,b:!(x,'y z'))} is {@code {"a":1,"b":["x","y z"]}}; {@code !t},
 * {@code !f}, {@code !n} are true, false, null; strings are bare ids or quoted with {@code '},
 * escaped with {@code !} ({@code !'} and {@code !!}). Strict: anything else is an error naming the
 * position.
 */
public final class Rison {

    /** A string that is not Rison. */
    public static final class RisonException extends IllegalArgumentException {
        RisonException(String message) {
            super(message);
        }
    }

    private static final String NOT_ID_CHAR = " '!:(),*@$";
    private static final String NOT_ID_START = "-0123456789";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String s;
    private int i;

    private Rison(String s) {
        this.s = s;
    }

    public static JsonNode decode(String text) {
        if (text == null || text.isEmpty()) {
            throw new RisonException("empty rison");
        }
        Rison r = new Rison(text);
        JsonNode v = r.value();
        if (r.i != text.length()) {
            throw r.error("unexpected '" + text.charAt(r.i) + "' after the value");
        }
        return v;
    }

    private JsonNode value() {
        if (i >= s.length()) {
            throw error("value expected, the text ended");
        }
        char c = s.charAt(i);
        if (c == '(') {
            return object();
        }
        if (c == '!') {
            i++;
            if (i >= s.length()) {
                throw error("'!' at the end");
            }
            char k = s.charAt(i++);
            switch (k) {
                case 't':
                    return NODES.booleanNode(true);
                case 'f':
                    return NODES.booleanNode(false);
                case 'n':
                    return NODES.nullNode();
                case '(':
                    i--;
                    return array();
                default:
                    throw error("unknown literal '!" + k + "'");
            }
        }
        if (c == '\'') {
            return NODES.textNode(quoted());
        }
        if (c == '-' || Character.isDigit(c)) {
            return number();
        }
        return NODES.textNode(id());
    }

    private ObjectNode object() {
        ObjectNode o = NODES.objectNode();
        i++; // (
        if (peek(')')) {
            i++;
            return o;
        }
        while (true) {
            String key = peek('\'') ? quoted() : id();
            expect(':');
            if (o.has(key)) {
                throw error("duplicate key '" + key + "'");
            }
            o.set(key, value());
            if (peek(',')) {
                i++;
                continue;
            }
            expect(')');
            return o;
        }
    }

    private ArrayNode array() {
        ArrayNode a = NODES.arrayNode();
        i++; // (
        if (peek(')')) {
            i++;
            return a;
        }
        while (true) {
            a.add(value());
            if (peek(',')) {
                i++;
                continue;
            }
            expect(')');
            return a;
        }
    }

    private String quoted() {
        StringBuilder b = new StringBuilder();
        i++; // '
        while (true) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '\'') {
                return b.toString();
            }
            if (c == '!') {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char e = s.charAt(i++);
                if (e != '!' && e != '\'') {
                    throw error("invalid string escape '!" + e + "'");
                }
                b.append(e);
            } else {
                b.append(c);
            }
        }
    }

    private JsonNode number() {
        int start = i;
        if (peek('-')) {
            i++;
        }
        int digits = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == digits) {
            throw error("digit expected");
        }
        boolean fraction = false;
        if (peek('.')) {
            fraction = true;
            i++;
            int f = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == f) {
                throw error("digit expected after '.'");
            }
        }
        if (peek('e')) {
            fraction = true;
            i++;
            if (peek('-') || peek('+')) {
                i++;
            }
            int e = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == e) {
                throw error("digit expected in the exponent");
            }
        }
        String text = s.substring(start, i);
        if (fraction) {
            return NODES.numberNode(new java.math.BigDecimal(text));
        }
        java.math.BigInteger n = new java.math.BigInteger(text);
        return n.bitLength() < 63 ? NODES.numberNode(n.longValue()) : NODES.numberNode(n);
    }

    private String id() {
        int start = i;
        if (i >= s.length() || NOT_ID_START.indexOf(s.charAt(i)) >= 0 || NOT_ID_CHAR.indexOf(s.charAt(i)) >= 0) {
            throw error(i >= s.length() ? "value expected, the text ended" : "unexpected '" + s.charAt(i) + "'");
        }
        while (i < s.length() && NOT_ID_CHAR.indexOf(s.charAt(i)) < 0) {
            i++;
        }
        return s.substring(start, i);
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error(i >= s.length() ? "'" + c + "' expected, the text ended"
                    : "'" + c + "' expected, not '" + s.charAt(i) + "'");
        }
        i++;
    }

    private RisonException error(String what) {
        return new RisonException("invalid rison at position " + i + ": " + what);
    }
}
