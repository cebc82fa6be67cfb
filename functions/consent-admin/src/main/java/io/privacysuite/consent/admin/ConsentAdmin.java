package io.privacysuite.consent.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.consent.Branding;
import io.privacysuite.consent.ConsentJson;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.Site;
import io.privacysuite.consent.SiteRegistry;
import io.privacysuite.core.Ids;
import io.privacysuite.core.Json;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.errors.FieldErrors;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The operator's view of consent: site registry upkeep, date-range proof exports, and the auditor's check. */
public final class ConsentAdmin {
    static final int MAX_EXPORT_DAYS = 366;
    static final int DEFAULT_PAGE = 1000;
    static final int MAX_PAGE = 5000;
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_NAME = 200;

    private final SiteRegistry sites;
    private final ConsentStore store;
    private final ConsentSigner signer;
    private final Clock clock;

    public ConsentAdmin(SiteRegistry sites, ConsentStore store, ConsentSigner signer, Clock clock) {
        this.sites = sites;
        this.store = store;
        this.signer = signer;
        this.clock = clock;
    }

    public ObjectNode registerSite(JsonNode input) {
        FieldErrors errors = new FieldErrors();
        String siteId = input.path("siteId").asText("");
        if (!Ids.isSiteId(siteId)) {
            errors.add("site.siteId", "2-63 lower-case letters, digits or dashes");
        }
        List<String> origins = new ArrayList<>();
        if (!input.path("allowedOrigins").isArray() || input.path("allowedOrigins").isEmpty()) {
            errors.add("site.allowedOrigins", "at least one origin such as https://www.example.com");
        } else {
            input.path("allowedOrigins").forEach(o -> {
                String origin = o.asText("");
                if (!isOrigin(origin)) {
                    errors.add("site.allowedOrigins", "each must be scheme://host[:port] with no path: " + origin);
                }
                origins.add(origin);
            });
        }
        String banner = input.path("bannerVersion").asText("");
        if (!VERSION.matcher(banner).matches()) {
            errors.add("site.bannerVersion", "1-64 letters, digits, dot, dash or underscore");
        }
        // Account and group are keys of the sites table's indexes (2 KB at most) and the account id the lifecycle
        // messages name: the same rule as there, so a site can always be found by its account.
        String accountId = input.path("accountId").asText("default");
        if (!VERSION.matcher(accountId).matches()) {
            errors.add("site.accountId", "1-64 letters, digits, dot, dash or underscore");
        }
        String siteGroup = input.path("siteGroup").asText(siteId);
        if (!VERSION.matcher(siteGroup).matches()) {
            errors.add("site.siteGroup", "1-64 letters, digits, dot, dash or underscore");
        }
        String name = input.path("name").asText(siteId);
        if (name.length() > MAX_NAME || name.codePoints().anyMatch(Character::isISOControl)) {
            errors.add("site.name", "at most " + MAX_NAME + " characters, no control characters");
        }
        int lifetime = input.path("consentLifetimeMonths").asInt(12);
        if (lifetime < 1 || lifetime > 12) {
            errors.add("site.consentLifetimeMonths", "1 to 12 months");
        }
        Branding branding = Branding.parse(input.get("branding"), "site.branding", errors);
        errors.throwIfAny();
        Site site = new Site(siteId, name, accountId, siteGroup, List.copyOf(origins), banner, lifetime, clock.instant(),
                branding);
        sites.put(site);
        ObjectNode out = Json.object();
        out.put("siteId", site.siteId());
        out.put("name", site.name());
        out.put("accountId", site.accountId());
        out.put("siteGroup", site.siteGroup());
        site.allowedOrigins().forEach(out.putArray("allowedOrigins")::add);
        out.put("bannerVersion", site.bannerVersion());
        out.put("consentLifetimeMonths", site.consentLifetimeMonths());
        out.put("updatedAt", site.updatedAt().toString());
        if (!branding.asMap().isEmpty()) {
            ObjectNode shown = out.putObject("branding");
            branding.asMap().forEach(shown::put);
        }
        return out;
    }

    /**
     * One page of a site's live consent records recorded between {@code from} and {@code to} (UTC dates,
     * inclusive), as JSON lines with each record's key. {@code nextToken} continues a truncated export.
     */
    public ObjectNode exportConsents(JsonNode input) {
        String siteId = input.path("siteId").asText("");
        FieldErrors errors = new FieldErrors();
        LocalDate from = date(input, "from", errors);
        LocalDate to = date(input, "to", errors);
        int limit = input.path("limit").asInt(DEFAULT_PAGE);
        if (limit < 1 || limit > MAX_PAGE) {
            errors.add("limit", "1 to " + MAX_PAGE);
        }
        if (from != null && to != null && (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_EXPORT_DAYS)) {
            errors.add("to", "must be on or after from, at most " + MAX_EXPORT_DAYS + " days later");
        }
        errors.throwIfAny();
        if (!Ids.isSiteId(siteId) || sites.find(siteId).isEmpty()) {
            throw DomainException.notFound("Site");
        }
        Cursor cursor = input.hasNonNull("nextToken") ? Cursor.decode(input.get("nextToken").asText(), from, to)
                : new Cursor(from, null);
        Instant now = clock.instant();
        StringBuilder jsonl = new StringBuilder();
        int count = 0;
        LocalDate day = cursor.day();
        Map<String, String> startKey = cursor.startKey();
        while (!day.isAfter(to) && count < limit) {
            ConsentStore.Page page;
            try {
                page = store.siteDay(siteId, day, startKey, limit - count);
            } catch (IllegalArgumentException e) {
                // Only a forged or damaged token gets here: the store's own positions are always well formed.
                throw DomainException.badRequest("nextToken is not valid.");
            }
            for (ConsentRecord record : page.records()) {
                if (!record.isErased(now)) {
                    jsonl.append(Json.write(ConsentJson.toJson(record, true))).append('\n');
                    count++;
                }
            }
            if (page.nextKey() != null) {
                startKey = page.nextKey();
            } else {
                day = day.plusDays(1);
                startKey = null;
            }
        }
        ObjectNode result = Json.object();
        result.put("siteId", siteId);
        result.put("from", from.toString());
        result.put("to", to.toString());
        result.put("count", count);
        result.put("jsonl", jsonl.toString());
        // Absent when the range is complete; otherwise pass it back to continue.
        if (!day.isAfter(to)) {
            result.put("nextToken", new Cursor(day, startKey).encode());
        }
        return result;
    }

    /** Checks exported lines against their keys: an auditor's proof that no line was altered. */
    public ObjectNode verifyRecords(String jsonl) {
        ArrayNode results = Json.MAPPER.createArrayNode();
        int valid = 0;
        int lineNo = 0;
        for (String line : jsonl.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            ObjectNode result = results.addObject();
            result.put("line", lineNo);
            try {
                ConsentRecord record = ConsentJson.fromJson(Json.read(line));
                boolean ok = signer.verify(record, record.key());
                result.put("consentId", record.consentId());
                result.put("version", record.version());
                result.put("valid", ok);
                valid += ok ? 1 : 0;
            } catch (Exception e) {
                result.put("valid", false);
                result.put("reason", "not a consent proof record");
            }
        }
        ObjectNode out = Json.object();
        out.put("checked", results.size());
        out.put("valid", valid);
        out.put("invalid", results.size() - valid);
        out.set("results", results);
        return out;
    }

    private static boolean isOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                    && origin.equals(origin.toLowerCase(java.util.Locale.ROOT));
        } catch (Exception e) {
            return false;
        }
    }

    private static LocalDate date(JsonNode input, String field, FieldErrors errors) {
        try {
            return LocalDate.parse(input.path(field).asText(""));
        } catch (DateTimeParseException e) {
            errors.add(field, "a date such as 2026-01-31");
            return null;
        }
    }

    /** Where an export page stopped: the day, and DynamoDB's position inside it. Opaque to operators. */
    record Cursor(LocalDate day, Map<String, String> startKey) {
        String encode() {
            ObjectNode node = Json.object();
            node.put("day", day.toString());
            if (startKey != null) {
                ObjectNode key = node.putObject("key");
                startKey.forEach(key::put);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(node).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token, LocalDate from, LocalDate to) {
            try {
                JsonNode node = Json.read(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
                LocalDate day = LocalDate.parse(node.path("day").asText());
                if (day.isBefore(from) || day.isAfter(to)) {
                    throw DomainException.badRequest("nextToken does not belong to this date range.");
                }
                Map<String, String> key = null;
                if (node.has("key")) {
                    key = new java.util.HashMap<>();
                    for (var it = node.get("key").fields(); it.hasNext(); ) {
                        var e = it.next();
                        key.put(e.getKey(), e.getValue().asText());
                    }
                }
                return new Cursor(day, key);
            } catch (DomainException e) {
                throw e;
            } catch (Exception e) {
                throw DomainException.badRequest("nextToken is not valid.");
            }
        }
    }
}
