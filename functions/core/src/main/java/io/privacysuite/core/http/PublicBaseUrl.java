package io.privacysuite.core.http;

import io.privacysuite.core.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The public base URL of the HTTP API ({@code PUBLIC_BASE_URL}, the template's {@code PublicBaseUrl}), from which
 * every emailed link is built. Emailed links carry tokens, so it must be https; plain http is accepted only in a
 * local run and only to an exact loopback host (what the local suite supplies). Checked at init: a function with a
 * wrong value fails its cold start with a message naming the parameter, instead of mailing tokens in clear text.
 */
public final class PublicBaseUrl {
    public static final String VARIABLE = "PUBLIC_BASE_URL";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]");

    private PublicBaseUrl() {}

    /** The validated base URL without a trailing slash. */
    public static String from(Env env) {
        String raw = env.find(VARIABLE).orElseThrow(() -> new IllegalStateException(
                VARIABLE + " is not set: deploy with the PublicBaseUrl parameter (https://...)"));
        return parse(raw, env.isLocalRun());
    }

    public static String parse(String raw, boolean localRun) {
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw invalid(raw, "not a URL");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(raw, "must be scheme://host[:port][/path] with no user, query or fragment");
        }
        if (!httpsOrLocalLoopback(uri, localRun)) {
            throw invalid(raw, "must be https (emailed links carry tokens); plain http only to 127.0.0.1 or "
                    + "localhost in a local run");
        }
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * The one rule for every URL the suite sends secrets or personal data to (emailed links, webhooks): https, or
     * plain http only in a local run and only to an exact loopback host ({@code http://localhost.evil.example} and
     * {@code http://127.0.0.1.evil.example} are not loopback).
     */
    public static boolean httpsOrLocalLoopback(URI uri, boolean localRun) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        return scheme.equals("https") || (scheme.equals("http") && localRun && LOOPBACK.contains(host));
    }

    private static IllegalStateException invalid(String raw, String why) {
        return new IllegalStateException(VARIABLE + " (PublicBaseUrl) " + why + ": " + raw);
    }
}
