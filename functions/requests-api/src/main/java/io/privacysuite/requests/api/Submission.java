package io.privacysuite.requests.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.errors.FieldErrors;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.requests.RequestType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated intake body: {@code {type, email, siteId, locale?, details?, consents?, identity?}}, where
 * {@code consents} lists {@code {consentId, key}} pairs as the browser keeps them (the key proves the consent is the
 * person's) and {@code identity} is an assertion the company's app signed ({@link IdentityAssertions}).
 *
 * <p>{@code email} is in its canonical form (see {@link EmailAddresses#canonical}). Identifiers typed into the
 * details ({@link #IDENTIFIER_KEYS}) prove nothing: they are taken out of the details and only their names are kept
 * in {@code ignoredIdentifiers}, unless the identity assertion proves the same value.
 */
public record Submission(RequestType type, String email, String siteId, String locale, Map<String, String> details,
                         List<ConsentProof> consents, IdentityClaim identity, List<String> ignoredIdentifiers) {

    /** A consent the person says is theirs, with the key that proves it. */
    public record ConsentProof(String consentId, String key) {}

    /** An identity assertion as sent: proven only once {@link IdentityAssertions#verify} accepts it. */
    public record IdentityClaim(String subjectId, long expiresAt, String signature) {}

    /** Details keys that name a person in the company's systems: never searched unless an assertion proves them. */
    public static final Set<String> IDENTIFIER_KEYS = Set.of("subjectId", "customerId", "accountId", "userId");
    private static final Pattern SUBJECT_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{64}");

    public static final Set<String> LOCALES = Set.of("en", "fr", "nl", "de");
    static final int MAX_DETAILS = 20;
    static final int MAX_DETAIL_LENGTH = 2000;
    static final int MAX_CONSENT_IDS = 20;
    private static final Pattern SITE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern DETAIL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern CONSENT_ID = Pattern.compile("[A-Za-z0-9-]{8,64}");
    private static final Pattern CONSENT_KEY = Pattern.compile("[0-9a-f]{8}\\.[A-Za-z0-9_-]{20,64}");

    public static Submission parse(JsonNode body) {
        FieldErrors errors = new FieldErrors();
        RequestType type = null;
        JsonNode typeNode = body.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            errors.add("type", "required: access, portability, rectification, erasure, restriction or objection");
        } else {
            type = RequestType.parse(typeNode.textValue().toLowerCase(Locale.ROOT)).orElse(null);
            if (type == null) {
                errors.add("type", "must be access, portability, rectification, erasure, restriction or objection");
            }
        }
        String typed = text(body, "email");
        String email = typed == null ? null : EmailAddresses.canonical(typed).orElse(null);
        if (typed == null) {
            errors.add("email", "required");
        } else if (email == null) {
            errors.add("email", "must be an email address we can send to (plain ASCII before the @, a valid domain)");
        }
        String siteId = text(body, "siteId");
        if (siteId == null) {
            errors.add("siteId", "required: the site or tenant the request is about");
        } else if (!SITE_ID.matcher(siteId).matches()) {
            errors.add("siteId", "must be a site id");
        }
        String locale = "en";
        String requested = text(body, "locale");
        if (requested != null) {
            String language = requested.split("[-_]")[0].toLowerCase(Locale.ROOT);
            if (LOCALES.contains(language)) {
                locale = language;
            } else {
                errors.add("locale", "must be one of en, fr, nl, de");
            }
        }
        Map<String, String> details = new LinkedHashMap<>();
        JsonNode detailsNode = body.get("details");
        if (detailsNode != null && !detailsNode.isNull()) {
            if (!detailsNode.isObject()) {
                errors.add("details", "must be an object of text values");
            } else if (detailsNode.size() > MAX_DETAILS) {
                errors.add("details", "at most " + MAX_DETAILS + " entries");
            } else {
                detailsNode.fields().forEachRemaining(e -> {
                    if (!DETAIL_KEY.matcher(e.getKey()).matches()) {
                        errors.add("details", "keys must be short names (letters, digits, . _ -)");
                    } else if (!e.getValue().isTextual() || e.getValue().textValue().length() > MAX_DETAIL_LENGTH) {
                        errors.add("details." + e.getKey(), "must be text of at most " + MAX_DETAIL_LENGTH + " characters");
                    } else {
                        details.put(e.getKey(), e.getValue().textValue());
                    }
                });
            }
        }
        List<ConsentProof> consents = new ArrayList<>();
        JsonNode given = body.get("consents");
        if (given != null && !given.isNull()) {
            if (!given.isArray() || given.size() > MAX_CONSENT_IDS) {
                errors.add("consents", "must be a list of at most " + MAX_CONSENT_IDS + " {consentId, key} objects");
            } else {
                for (JsonNode consent : given) {
                    String id = consent.path("consentId").asText("");
                    String key = consent.path("key").asText("");
                    if (!CONSENT_ID.matcher(id).matches() || !CONSENT_KEY.matcher(key).matches()) {
                        errors.add("consents", "each must be {consentId, key} as returned by the consent API");
                    } else {
                        consents.add(new ConsentProof(id, key));
                    }
                }
            }
        }
        IdentityClaim identity = null;
        JsonNode claim = body.get("identity");
        if (claim != null && !claim.isNull()) {
            String subjectId = claim.path("subjectId").asText("");
            JsonNode expires = claim.path("expiresAt");
            String signature = claim.path("signature").asText("");
            if (!claim.isObject() || !SUBJECT_ID.matcher(subjectId).matches() || !expires.canConvertToLong()
                    || !expires.isIntegralNumber() || !SIGNATURE.matcher(signature).matches()) {
                errors.add("identity", "must be {subjectId, expiresAt (unix seconds), signature (hex HMAC-SHA256)}");
            } else {
                identity = new IdentityClaim(subjectId, expires.longValue(), signature);
            }
        }
        List<String> ignored = new ArrayList<>();
        for (String key : List.copyOf(details.keySet())) {
            if (IDENTIFIER_KEYS.contains(key)) {
                String value = details.remove(key);
                if (identity == null || !identity.subjectId().equals(value)) {
                    ignored.add(key);
                }
            }
        }
        if (type == RequestType.RECTIFICATION && details.isEmpty() && !errors.has("details")) {
            errors.add("details", "required for rectification: the fields to correct and their new values");
        }
        errors.throwIfAny();
        return new Submission(type, email, siteId, locale, details, List.copyOf(consents), identity,
                List.copyOf(ignored));
    }

    private static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node != null && node.isTextual() && !node.textValue().isBlank() ? node.textValue() : null;
    }
}
