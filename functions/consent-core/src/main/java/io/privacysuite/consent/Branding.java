package io.privacysuite.consent;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.errors.FieldErrors;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who a person deals with on a site's privacy pages: the company (name, logo), how to reach it, its data protection
 * officer and the supervisory authority a person may complain to (GDPR Art. 13(1)(a)-(b), 13(2)(d)). Every field is
 * optional; an absent one is {@code null} and the pages leave it out (the company name falls back to the site name).
 */
public record Branding(String companyName, String logoUrl, String contactEmail, String dpoName, String dpoEmail,
                       String authorityName, String authorityUrl) {
    public static final Branding NONE = new Branding(null, null, null, null, null, null, null);
    /** The fields as registerSite takes them and SitesTable keeps them, in order. */
    public static final java.util.List<String> FIELDS = java.util.List.of("companyName", "logoUrl", "contactEmail",
            "dpoName", "dpoEmail", "supervisoryAuthorityName", "supervisoryAuthorityUrl");
    static final int MAX_NAME = 120;
    static final int MAX_URL = 500;
    // Deliberately plain: an address shown on a page and in a mailto: link, never sent to.
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
            + "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    /** The values by their {@link #FIELDS} names, absent ones left out. */
    public Map<String, String> asMap() {
        String[] values = {companyName, logoUrl, contactEmail, dpoName, dpoEmail, authorityName, authorityUrl};
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                map.put(FIELDS.get(i), values[i]);
            }
        }
        return map;
    }

    /** From {@link #asMap()}'s shape (a stored item); unknown names are ignored. */
    public static Branding of(Map<String, String> map) {
        return new Branding(map.get("companyName"), map.get("logoUrl"), map.get("contactEmail"), map.get("dpoName"),
                map.get("dpoEmail"), map.get("supervisoryAuthorityName"), map.get("supervisoryAuthorityUrl"));
    }

    public Optional<String> company() {
        return Optional.ofNullable(companyName);
    }

    /**
     * Validates an operator's {@code branding} object; every problem goes to {@code errors} under
     * {@code <prefix>.<field>}. Absent or null input is {@link #NONE}.
     */
    public static Branding parse(JsonNode node, String prefix, FieldErrors errors) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NONE;
        }
        if (!node.isObject()) {
            errors.add(prefix, "an object with " + String.join(", ", FIELDS));
            return NONE;
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(prefix + "." + name, "unknown field; known: " + String.join(", ", FIELDS));
            }
        });
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : FIELDS) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            String text = value.isTextual() ? value.textValue().strip() : null;
            String problem = text == null || text.isEmpty() ? "must be non-empty text" : problem(field, text);
            if (problem != null) {
                errors.add(prefix + "." + field, problem);
            } else {
                values.put(field, text);
            }
        }
        return of(values);
    }

    private static String problem(String field, String text) {
        if (text.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029
                || Character.getType(c) == Character.FORMAT)) {
            return "must not contain control or formatting characters";
        }
        return switch (field) {
            case "logoUrl", "supervisoryAuthorityUrl" -> isHttpsUrl(text) ? null
                    : "must be an https URL of at most " + MAX_URL + " characters";
            case "contactEmail", "dpoEmail" -> text.length() <= 254 && EMAIL.matcher(text).matches() ? null
                    : "must be an email address";
            default -> text.length() <= MAX_NAME ? null : "at most " + MAX_NAME + " characters";
        };
    }

    static boolean isHttpsUrl(String text) {
        if (text.length() > MAX_URL) {
            return false;
        }
        try {
            URI uri = new URI(text);
            return "https".equals(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
