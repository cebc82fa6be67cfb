package io.privacysuite.consent.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.core.Ids;
import io.privacysuite.core.errors.FieldErrors;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** What a banner sends, validated. Every problem is reported at once, by field. */
public record ConsentSubmission(
        ConsentMethod method,
        Categories categories,
        String bannerVersion,
        String pageUrl,
        String tcString,
        String clientRequestId) {

    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern TC_STRING = Pattern.compile("[A-Za-z0-9_.~-]{1,4096}");
    /** An address anywhere in a path segment (decoded, so %40 counts): it is masked before the URL is stored. */
    private static final Pattern EMAIL = Pattern.compile("[^/@\\s]+@[^/@\\s]+\\.[^/@\\s]+");
    static final String MASKED_EMAIL = "email-removed";

    /**
     * Parses a record or change body. {@code idempotencyHeader} wins over a {@code clientRequestId} field.
     * Query strings and fragments are cut from the page URL: they often carry e-mail addresses or tokens.
     */
    public static ConsentSubmission parse(JsonNode body, String idempotencyHeader) {
        FieldErrors errors = new FieldErrors();
        String methodText = text(body, "method");
        ConsentMethod method = ConsentMethod.fromBanner(methodText).orElse(null);
        if (method == null) {
            errors.add("method", "must be one of accept_all, reject_all, custom, gpc");
        }
        Categories categories = parseCategories(body.get("categories"), method, errors);
        String bannerVersion = text(body, "bannerVersion");
        if (bannerVersion == null || !VERSION.matcher(bannerVersion).matches()) {
            errors.add("bannerVersion", "required: 1-64 letters, digits, dot, dash or underscore");
        }
        String pageUrl = sanitizeUrl(text(body, "pageUrl"), errors);
        String tcString = text(body, "tcString");
        if (tcString != null && !TC_STRING.matcher(tcString).matches()) {
            errors.add("tcString", "must be an IAB TCF string (base64url, at most 4096 characters)");
        }
        String requestId = requestId(body, idempotencyHeader, errors);
        errors.throwIfAny();
        return new ConsentSubmission(method, categories, bannerVersion, pageUrl, tcString, requestId);
    }

    /**
     * The client's idempotency key: the {@code Idempotency-Key} header, else {@code clientRequestId}. A replay with
     * it gets the original answer (and key) back, so it must be unguessable: short or patterned ids are refused.
     */
    static String requestId(JsonNode body, String idempotencyHeader, FieldErrors errors) {
        String requestId = idempotencyHeader != null ? idempotencyHeader.trim() : text(body, "clientRequestId");
        if (requestId != null && !Ids.isUnguessableRequestId(requestId)) {
            errors.add("clientRequestId", Ids.REQUEST_ID_RULE);
        }
        return requestId;
    }

    private static Categories parseCategories(JsonNode node, ConsentMethod method, FieldErrors errors) {
        if (method == ConsentMethod.ACCEPT_ALL && node == null) {
            return Categories.ALL;
        }
        if (method == ConsentMethod.REJECT_ALL && node == null) {
            return Categories.NONE;
        }
        if (node == null || !node.isObject()) {
            errors.add("categories", "required for custom and gpc: {preferences, statistics, marketing} booleans");
            return null;
        }
        JsonNode necessary = node.get("necessary");
        if (necessary != null && !(necessary.isBoolean() && necessary.booleanValue())) {
            errors.add("categories.necessary", "necessary cookies cannot be refused; omit it or send true");
        }
        Boolean preferences = bool(node, "preferences", errors);
        Boolean statistics = bool(node, "statistics", errors);
        Boolean marketing = bool(node, "marketing", errors);
        if (preferences == null || statistics == null || marketing == null) {
            return null;
        }
        Categories given = new Categories(preferences, statistics, marketing);
        if (method == ConsentMethod.ACCEPT_ALL && !given.equals(Categories.ALL)) {
            errors.add("categories", "accept_all must grant every category");
        }
        if (method == ConsentMethod.REJECT_ALL && !given.equals(Categories.NONE)) {
            errors.add("categories", "reject_all must refuse every optional category");
        }
        return given;
    }

    private static Boolean bool(JsonNode node, String field, FieldErrors errors) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            errors.add("categories." + field, "required boolean");
            return null;
        }
        return value.booleanValue();
    }

    static String sanitizeUrl(String raw, FieldErrors errors) {
        if (raw == null) {
            errors.add("pageUrl", "required: the absolute http(s) URL the consent was given on");
            return null;
        }
        if (raw.length() > 2048) {
            errors.add("pageUrl", "must be at most 2048 characters");
            return null;
        }
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                errors.add("pageUrl", "must be an absolute http(s) URL");
                return null;
            }
            String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
            return new URI(scheme, null, uri.getHost().toLowerCase(Locale.ROOT), uri.getPort(),
                    EMAIL.matcher(path).replaceAll(MASKED_EMAIL), null, null).toString();
        } catch (URISyntaxException e) {
            errors.add("pageUrl", "must be an absolute http(s) URL");
            return null;
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value != null && value.isTextual() && !value.textValue().isBlank() ? value.textValue().trim() : null;
    }

    /**
     * A digest of what was asked and from where (the Origin and the GPC signal), so a retry can be told from a
     * reused request id: only the same body from the same origin gets the stored record and its key back.
     */
    String digest(String origin, boolean gpc) {
        return digestOf(method.wire(), categories.canonical(), bannerVersion, pageUrl, tcString == null ? "" : tcString,
                origin == null ? "" : origin, gpc ? "gpc1" : "gpc0");
    }

    static String digestOf(String... parts) {
        StringBuilder canonical = new StringBuilder();
        for (String part : parts) {
            canonical.append(part.length()).append(':').append(part).append('|');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
