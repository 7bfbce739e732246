package dev.conveyor.review.sessions.superset;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Superset link a session starts from, parsed and checked against the environment it must
 * belong to (OWASP API7, SSRF) before anything is requested. Only the ids and keys are taken from
 * the link; every call then goes to the environment's configured base URL, never to the link.
 * <p>
 * Accepted: the scheme {@code http}/{@code https}; exactly the environment's host (a name,
 * compared case-insensitively) and port (default ports by scheme); no user info; no IP literal
 * (v4 in any dotted, decimal, octal or hex form, v6) unless the environment is configured with
 * that very literal; the environment's base path. Kinds: dashboard ({@code /superset/dashboard/{id|slug}/},
 * with {@code native_filters_key} or a Rison {@code native_filters}), dashboard permalink
 * ({@code /superset/dashboard/p/{key}/}), explore permalink ({@code /explore/p/{key}/}), explore
 * ({@code /explore/?form_data_key=&slice_id=&datasource_id=}), dataset ({@code /tablemodelview/edit/{id}},
 * {@code /dataset/{id}}). Ids, slugs and keys must be plain tokens, so nothing from a link can
 * change the path of a call.
 */
public record SupersetLink(Kind kind, String dashboard, String permalinkKey, String formDataKey,
        String nativeFiltersKey, JsonNode nativeFilters, Integer sliceId, Integer datasourceId, String datasourceType,
        List<List<String>> urlParams) {

    public enum Kind {
        DASHBOARD, DASHBOARD_PERMALINK, EXPLORE, EXPLORE_PERMALINK, DATASET
    }

    /** A link refused, with the reason for the person who pasted it. */
    public static final class RefusedLink extends IllegalArgumentException {
        public RefusedLink(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern NUMBER = Pattern.compile("[1-9][0-9]{0,9}");
    private static final Pattern IPV4_LABEL = Pattern.compile("(0x[0-9a-f]*|[0-9]+)");
    private static final Pattern DASHBOARD_PERMALINK = Pattern.compile("/(?:superset/)?dashboard/p/([^/]+)/?");
    private static final Pattern DASHBOARD = Pattern.compile("/(?:superset/)?dashboard/([^/]+)/?");
    private static final Pattern EXPLORE_PERMALINK = Pattern.compile("/(?:superset/)?explore/p/([^/]+)/?");
    private static final Pattern EXPLORE = Pattern.compile("/(?:superset/)?explore/?");
    private static final Pattern DATASET = Pattern.compile(
            "/(?:tablemodelview/edit|dataset|api/v1/dataset)/([^/]+)/?");
    /** Query parameters that steer Superset's UI; every other one is a URL parameter a template may read. */
    private static final Set<String> CONTROL_PARAMS = Set.of("native_filters_key", "native_filters", "form_data_key",
            "form_data", "slice_id", "datasource_id", "datasource_type", "datasource", "permalink_key", "standalone",
            "show_filters", "expand_filters", "preselect_filters", "edit", "viz_type", "focused_chart", "save_action",
            "dashboard_page_id", "r", "height", "width");

    /** Parses and checks {@code input} against the environment whose base URL is {@code base}. */
    public static SupersetLink parse(String input, URI base) {
        if (input == null || input.isBlank()) {
            throw new RefusedLink("a link is required");
        }
        String text = input.trim();
        for (char c : text.toCharArray()) {
            if (c <= 0x20 || c == 0x7f || c == '\\') {
                throw new RefusedLink("the link contains a space, a control character or a backslash");
            }
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new RefusedLink("not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new RefusedLink("only http and https links to the environment's Superset are accepted, not "
                    + (scheme == null ? "a relative link" : scheme + ":"));
        }
        if (uri.getRawAuthority() == null || uri.getRawAuthority().contains("@") || uri.getRawUserInfo() != null) {
            throw new RefusedLink("the link must name the environment's host, without user information");
        }
        String host = uri.getHost();
        if (host == null) {
            throw new RefusedLink("the link's host '" + uri.getRawAuthority() + "' is not a valid host name");
        }
        String baseHost = base.getHost().toLowerCase(Locale.ROOT);
        String linkHost = host.toLowerCase(Locale.ROOT);
        if (isIpLiteral(linkHost) && !linkHost.equals(baseHost)) {
            throw new RefusedLink("IP addresses are not accepted: use the environment's host name " + base.getHost());
        }
        if (!linkHost.equals(baseHost) || port(uri) != port(base)) {
            throw new RefusedLink("the link's host " + host + portText(uri) + " is not the environment's ("
                    + base.getHost() + portText(base) + "); only links to the configured Superset are accepted");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        if (!basePath.isEmpty()) {
            if (!path.startsWith(basePath + "/")) {
                throw new RefusedLink("the link is not under the environment's path " + basePath);
            }
            path = path.substring(basePath.length());
        }
        if (path.contains("%") || path.contains("/../") || path.contains("/./") || path.endsWith("/..")) {
            throw new RefusedLink("the link's path must be plain (no encoded characters or dot segments)");
        }
        Map<String, String> query = query(uri.getRawQuery());
        List<List<String>> urlParams = new ArrayList<>();
        query.forEach((k, v) -> {
            if (!CONTROL_PARAMS.contains(k)) {
                urlParams.add(List.of(k, v));
            }
        });
        Matcher m;
        if ((m = DASHBOARD_PERMALINK.matcher(path)).matches()) {
            return new SupersetLink(Kind.DASHBOARD_PERMALINK, null, token(m.group(1), "permalink key"), null, null,
                    null, null, null, null, urlParams);
        }
        if ((m = DASHBOARD.matcher(path)).matches()) {
            String nativeFiltersKey = query.containsKey("native_filters_key")
                    ? token(query.get("native_filters_key"), "native_filters_key") : null;
            JsonNode nativeFilters = null;
            if (query.containsKey("native_filters")) {
                try {
                    nativeFilters = Rison.decode(query.get("native_filters"));
                } catch (Rison.RisonException e) {
                    throw new RefusedLink("native_filters is not valid rison: " + e.getMessage());
                }
                if (!nativeFilters.isObject()) {
                    throw new RefusedLink("native_filters must be a rison object of filter states by filter id");
                }
            }
            return new SupersetLink(Kind.DASHBOARD, token(m.group(1), "dashboard id or slug"), null, null,
                    nativeFiltersKey, nativeFilters, null, null, null, urlParams);
        }
        if ((m = EXPLORE_PERMALINK.matcher(path)).matches()) {
            return new SupersetLink(Kind.EXPLORE_PERMALINK, null, token(m.group(1), "permalink key"), null, null,
                    null, null, null, null, urlParams);
        }
        if (EXPLORE.matcher(path).matches()) {
            if (query.containsKey("permalink_key")) {
                return new SupersetLink(Kind.EXPLORE_PERMALINK, null, token(query.get("permalink_key"),
                        "permalink_key"), null, null, null, null, null, null, urlParams);
            }
            Integer slice = query.containsKey("slice_id") ? number(query.get("slice_id"), "slice_id") : null;
            Integer datasource = query.containsKey("datasource_id")
                    ? number(query.get("datasource_id"), "datasource_id") : null;
            String type = query.get("datasource_type");
            if (query.containsKey("form_data")) {
                // the older explore links carry the form data itself
                JsonNode fd;
                try {
                    fd = JSON.readTree(query.get("form_data"));
                } catch (java.io.IOException e) {
                    throw new RefusedLink("form_data is not JSON");
                }
                if (datasource == null && fd.path("datasource").isTextual()) {
                    String[] parts = fd.get("datasource").asText().split("__");
                    datasource = number(parts[0], "form_data datasource");
                    type = parts.length > 1 ? parts[1] : type;
                }
                if (slice == null && fd.hasNonNull("slice_id")) {
                    slice = number(fd.get("slice_id").asText(), "form_data slice_id");
                }
            }
            if (type != null && !TOKEN.matcher(type).matches()) {
                throw new RefusedLink("datasource_type must be a plain word");
            }
            String key = query.containsKey("form_data_key") ? token(query.get("form_data_key"), "form_data_key")
                    : null;
            if (key == null && slice == null && datasource == null) {
                throw new RefusedLink("the explore link has no form_data_key, slice_id or datasource_id");
            }
            return new SupersetLink(Kind.EXPLORE, null, null, key, null, null, slice, datasource, type, urlParams);
        }
        if ((m = DATASET.matcher(path)).matches()) {
            return new SupersetLink(Kind.DATASET, null, null, null, null, null, null, number(m.group(1), "dataset id"),
                    "table", urlParams);
        }
        throw new RefusedLink("not a Superset dashboard, dashboard permalink, explore, explore permalink or dataset "
                + "link: " + path);
    }

    /** Every dotted-quad, decimal ({@code 2130706433}), octal ({@code 0177.1}) and hex ({@code 0x7f.1}) form, and v6. */
    static boolean isIpLiteral(String host) {
        if (host.startsWith("[") || host.contains(":")) {
            return true;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] labels = h.split("\\.", -1);
        if (labels.length == 0 || labels.length > 4) {
            return false;
        }
        for (String l : labels) {
            if (!IPV4_LABEL.matcher(l).matches()) {
                return false;
            }
        }
        return true;
    }

    private static int port(URI u) {
        if (u.getPort() != -1) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String portText(URI u) {
        return ":" + port(u);
    }

    private static String token(String value, String what) {
        if (value == null || !TOKEN.matcher(value).matches()) {
            throw new RefusedLink("the " + what + " must be letters, digits, '-' or '_' (1 to 128)");
        }
        return value;
    }

    private static Integer number(String value, String what) {
        if (value == null || !NUMBER.matcher(value).matches()) {
            throw new RefusedLink("the " + what + " must be a positive integer");
        }
        return Integer.valueOf(value);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (out.containsKey(k)) {
                    throw new RefusedLink("the query parameter " + k + " is given twice");
                }
                out.put(k, v);
            } catch (IllegalArgumentException e) {
                if (e instanceof RefusedLink r) {
                    throw r;
                }
                throw new RefusedLink("the link's query is not validly encoded");
            }
        }
        return out;
    }
}
