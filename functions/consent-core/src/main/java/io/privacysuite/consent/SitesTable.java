package io.privacysuite.consent;

import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * SitesTable's key and attribute names: one item per site ({@code siteId}), indexed by account ({@code byAccount}) so
 * a cancellation finds an account's sites. Sites are configuration data: kept while the account is active.
 */
public final class SitesTable {
    public static final String SITE_ID = "siteId";
    public static final String ACCOUNT_ID = "accountId";
    public static final String BY_ACCOUNT_INDEX = "byAccount";
    /** A map of {@link Branding#FIELDS}. */
    static final String BRANDING = "branding";

    private SitesTable() {}

    public static Map<String, AttributeValue> key(String siteId) {
        return Map.of(SITE_ID, AttributeValue.fromS(siteId));
    }

    static Map<String, AttributeValue> toItem(Site site, RetentionPolicy retention) {
        Map<String, AttributeValue> item = new HashMap<>(key(site.siteId()));
        item.put("name", AttributeValue.fromS(site.name()));
        item.put(ACCOUNT_ID, AttributeValue.fromS(site.accountId()));
        item.put("siteGroup", AttributeValue.fromS(site.siteGroup()));
        item.put("allowedOrigins", AttributeValue.fromL(site.allowedOrigins().stream().map(AttributeValue::fromS).toList()));
        item.put("bannerVersion", AttributeValue.fromS(site.bannerVersion()));
        item.put("consentLifetimeMonths", AttributeValue.fromN(Integer.toString(site.consentLifetimeMonths())));
        item.put("updatedAt", AttributeValue.fromS(site.updatedAt().toString()));
        Map<String, String> branding = site.branding().asMap();
        if (!branding.isEmpty()) {
            Map<String, AttributeValue> m = new HashMap<>();
            branding.forEach((k, v) -> m.put(k, AttributeValue.fromS(v)));
            item.put(BRANDING, AttributeValue.fromM(m));
        }
        return retention.stamp(item, DataCategory.CONFIGURATION, site.updatedAt());
    }

    static Site fromItem(Map<String, AttributeValue> item) {
        List<String> origins = new ArrayList<>();
        if (item.containsKey("allowedOrigins")) {
            item.get("allowedOrigins").l().forEach(v -> origins.add(v.s()));
        }
        String siteId = item.get(SITE_ID).s();
        return new Site(
                siteId,
                text(item, "name", siteId),
                text(item, ACCOUNT_ID, "default"),
                text(item, "siteGroup", siteId),
                List.copyOf(origins),
                text(item, "bannerVersion", "1"),
                item.containsKey("consentLifetimeMonths") ? Integer.parseInt(item.get("consentLifetimeMonths").n()) : 12,
                item.containsKey("updatedAt") ? Instant.parse(item.get("updatedAt").s()) : Instant.EPOCH,
                branding(item));
    }

    private static Branding branding(Map<String, AttributeValue> item) {
        AttributeValue m = item.get(BRANDING);
        if (m == null || !m.hasM()) {
            return Branding.NONE;
        }
        Map<String, String> values = new HashMap<>();
        m.m().forEach((k, v) -> values.put(k, v.s()));
        return Branding.of(values);
    }

    private static String text(Map<String, AttributeValue> item, String name, String fallback) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? fallback : v.s();
    }
}
