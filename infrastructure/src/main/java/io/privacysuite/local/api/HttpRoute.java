package io.privacysuite.local.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP API route ({@code METHOD /path/{param}/{proxy+}}) and API Gateway's selection rule: the most specific match
 * wins - literal segments beat {@code {param}} segments, which beat a greedy {@code {proxy+}}; a route naming the
 * method beats {@code ANY}; {@code $default} catches the rest.
 */
public record HttpRoute(String method, String path, String functionLogicalId) {
    public static final String DEFAULT_ROUTE = "$default";

    public HttpRoute {
        method = method.toUpperCase(Locale.ROOT);
    }

    public static HttpRoute defaultRoute(String functionLogicalId) {
        return new HttpRoute("ANY", DEFAULT_ROUTE, functionLogicalId);
    }

    /** As in the event's routeKey: "POST /v1/sites/{siteId}/consents", or "$default". */
    public String routeKey() {
        return isDefault() ? DEFAULT_ROUTE : method + " " + path;
    }

    public boolean isDefault() {
        return DEFAULT_ROUTE.equals(path);
    }

    /** A matched route with its decoded path parameters. */
    public record Match(HttpRoute route, Map<String, String> pathParameters) {}

    /** The route API Gateway would pick for {@code method} and the raw (still percent-encoded) {@code rawPath}. */
    public static Optional<Match> select(List<HttpRoute> routes, String method, String rawPath) {
        List<Match> candidates = new ArrayList<>();
        for (HttpRoute route : routes) {
            route.match(method, rawPath).ifPresent(candidates::add);
        }
        return candidates.stream().min(Comparator.comparing(Match::route, HttpRoute::compareSpecificity));
    }

    public Optional<Match> match(String requestMethod, String rawPath) {
        if (!method.equals("ANY") && !method.equalsIgnoreCase(requestMethod)) {
            return Optional.empty();
        }
        if (isDefault()) {
            return Optional.of(new Match(this, Map.of()));
        }
        List<String> pattern = segments(path);
        List<String> actual = segments(rawPath);
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (isGreedy(p)) {
                if (i >= actual.size() || String.join("/", actual.subList(i, actual.size())).isEmpty()) {
                    return Optional.empty(); // {proxy+} needs at least one segment
                }
                parameters.put(name(p), decode(String.join("/", actual.subList(i, actual.size()))));
                return Optional.of(new Match(this, parameters));
            }
            if (i >= actual.size()) {
                return Optional.empty();
            }
            String a = actual.get(i);
            if (isParameter(p)) {
                if (a.isEmpty()) {
                    return Optional.empty();
                }
                parameters.put(name(p), decode(a));
            } else if (!p.equals(a) && !p.equals(decode(a))) {
                return Optional.empty();
            }
        }
        return pattern.size() == actual.size() ? Optional.of(new Match(this, parameters)) : Optional.empty();
    }

    /** Negative when {@code a} is more specific than {@code b}. */
    static int compareSpecificity(HttpRoute a, HttpRoute b) {
        if (a.isDefault() != b.isDefault()) {
            return a.isDefault() ? 1 : -1;
        }
        if (!a.isDefault()) {
            List<String> sa = segments(a.path);
            List<String> sb = segments(b.path);
            for (int i = 0; i < Math.min(sa.size(), sb.size()); i++) {
                int diff = Integer.compare(rank(sa.get(i)), rank(sb.get(i)));
                if (diff != 0) {
                    return diff;
                }
            }
            if (sa.size() != sb.size()) {
                return sa.size() > sb.size() ? -1 : 1; // more literal depth before a greedy tail is more specific
            }
        }
        boolean anyA = a.method.equals("ANY");
        boolean anyB = b.method.equals("ANY");
        return anyA == anyB ? 0 : anyA ? 1 : -1;
    }

    private static int rank(String segment) {
        return isGreedy(segment) ? 2 : isParameter(segment) ? 1 : 0;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private static boolean isGreedy(String segment) {
        return isParameter(segment) && segment.endsWith("+}");
    }

    private static String name(String segment) {
        return segment.substring(1, segment.length() - (isGreedy(segment) ? 2 : 1));
    }

    /**
     * The path's segments; a trailing slash leaves an empty last segment, which no literal or {@code {param}}
     * matches: on API Gateway {@code /v1/requests/} is not {@code /v1/requests}.
     */
    static List<String> segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }

    private static String decode(String raw) {
        // Path segments: '+' is a literal plus, only %XX is decoded.
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
