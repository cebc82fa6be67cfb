package io.privacysuite.consent.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.consent.PolicyVersion;
import io.privacysuite.consent.PolicyVersions;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.errors.FieldErrors;
import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.NoticeCampaign;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Publishes a version of the privacy policy: a summary of the changes, a link, when it takes effect and whether the
 * change is material. A material change must be announced {@link #NOTICE_PERIOD} ahead (the policies' promise), so
 * one taking effect sooner is refused; from its effective date, consents given earlier verify as
 * {@code outdated_version}. With an audience (account holders: {@code {"accounts": "all"}} or a list of ids; newsletter
 * subscribers: a CSV in the exports bucket or inline addresses), or a list of up to {@value #MAX_AUDIENCES} of them,
 * the notice goes out through the notice fan-out, once per person: every audience is a run of the one campaign, so
 * the send ledger mails someone in two of them once.
 */
public final class PolicyPublisher {
    public static final Duration NOTICE_PERIOD = Duration.ofDays(30);
    static final int MAX_AUDIENCES = 5;

    private final PolicyVersions versions;
    private final Consumer<NoticeCampaign> notices;
    private final Clock clock;

    public PolicyPublisher(PolicyVersions versions, Consumer<NoticeCampaign> notices, Clock clock) {
        this.versions = versions;
        this.notices = notices;
        this.clock = clock;
    }

    public Map<String, Object> publish(JsonNode input) {
        Instant now = clock.instant();
        FieldErrors errors = new FieldErrors();
        String operator = text(input, "operator", 100, errors);
        String version = input.path("version").asText("");
        if (!version.matches("[A-Za-z0-9._-]{1,40}")) {
            errors.add("version", "1..40 letters, digits, '.', '_' or '-'");
        }
        String summary = text(input, "summary", 2000, errors);
        String link = input.path("link").asText("");
        if (!isHttps(link)) {
            errors.add("link", "an https URL of the policy (at most 500 characters)");
        }
        Instant effectiveAt = effectiveAt(input.path("effectiveAt"), errors);
        JsonNode material = input.path("material");
        if (!material.isBoolean()) {
            errors.add("material", "required: true when the change is material (people are told 30 days ahead)");
        }
        if (effectiveAt != null && material.asBoolean(false) && effectiveAt.isBefore(now.plus(NOTICE_PERIOD))) {
            errors.add("effectiveAt", "a material change takes effect at least 30 days after it is published: "
                    + "the earliest is " + now.plus(NOTICE_PERIOD));
        } else if (effectiveAt != null && effectiveAt.isBefore(now.minusSeconds(300))) {
            errors.add("effectiveAt", "cannot be in the past");
        }
        List<NoticeCampaign.Audience> audiences = audiences(input.path("audience"), errors);
        String defaultLocale = input.path("defaultLocale").asText("en");
        if (!java.util.Set.of("en", "fr", "nl", "de").contains(defaultLocale)) {
            errors.add("defaultLocale", "one of en, fr, nl, de");
        }
        errors.throwIfAny();
        PolicyVersion published = new PolicyVersion(version, summary, link, effectiveAt, material.asBoolean(), now,
                operator);
        if (!versions.publish(published)) {
            throw DomainException.conflict("version_exists", "This policy version is published already.");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", version);
        out.put("effectiveAt", effectiveAt.toString());
        out.put("material", published.material());
        if (!audiences.isEmpty()) {
            String campaign = "policy-" + version;
            Map<String, String> data = new LinkedHashMap<>();
            data.put("version", version);
            data.put("summary", summary);
            data.put("link", link);
            data.put("effectiveOn", LocalDate.ofInstant(effectiveAt, ZoneOffset.UTC).toString());
            if (published.material()) {
                // A section in the templates: present only for a material change.
                data.put("materialChange", "true");
            }
            for (int i = 0; i < audiences.size(); i++) {
                notices.accept(new NoticeCampaign(campaign, audiences.size() == 1 ? "publish" : "publish-" + i,
                        EmailTemplate.POLICY_CHANGE.wire(), data, defaultLocale, audiences.get(i), 0, 0));
            }
            out.put("campaign", campaign);
        }
        return out;
    }

    /** None, one audience, or a list of 1..{@value #MAX_AUDIENCES} (account holders and newsletter subscribers). */
    private static List<NoticeCampaign.Audience> audiences(JsonNode node, FieldErrors errors) {
        if (node.isMissingNode()) {
            return List.of();
        }
        if (!node.isArray()) {
            NoticeCampaign.Audience one = NoticeCampaign.Audience.parse(node, errors);
            return one == null ? List.of() : List.of(one);
        }
        if (node.isEmpty() || node.size() > MAX_AUDIENCES) {
            errors.add("audience", "a list of 1.." + MAX_AUDIENCES + " audiences");
            return List.of();
        }
        List<NoticeCampaign.Audience> out = new java.util.ArrayList<>();
        for (JsonNode each : node) {
            NoticeCampaign.Audience audience = NoticeCampaign.Audience.parse(each, errors);
            if (audience == null) {
                return List.of();
            }
            out.add(audience);
        }
        return out;
    }

    static boolean isHttps(String link) {
        if (link.length() > 500 || link.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            return false;
        }
        try {
            URI uri = new URI(link);
            return "https".equals(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** An ISO instant, or a date (the start of that day, UTC). */
    private static Instant effectiveAt(JsonNode node, FieldErrors errors) {
        String value = node.asText("");
        try {
            return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            errors.add("effectiveAt", "required: a date (2027-01-15) or an ISO instant");
            return null;
        }
    }

    private static String text(JsonNode input, String field, int max, FieldErrors errors) {
        String value = input.path(field).isTextual() ? input.path(field).asText().strip() : "";
        if (value.isEmpty() || value.length() > max
                || value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n')) {
            errors.add(field, "required: 1.." + max + " characters, no control characters");
            return null;
        }
        return value;
    }
}
