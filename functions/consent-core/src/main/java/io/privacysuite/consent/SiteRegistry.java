package io.privacysuite.consent;

import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads and writes the site registry. Lookups are cached briefly per container: every consent needs its
 * site, and a registry read per request would halve write throughput. Operators' changes show within
 * {@link #CACHE_TTL}; unknown sites are never cached, so a newly added site works at once.
 */
public final class SiteRegistry {
    static final Duration CACHE_TTL = Duration.ofSeconds(30);

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Site site, Instant loadedAt) {}

    public SiteRegistry(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    public Optional<Site> find(String siteId) {
        Instant now = clock.instant();
        Cached cached = cache.get(siteId);
        if (cached != null && cached.loadedAt.plus(CACHE_TTL).isAfter(now)) {
            return Optional.of(cached.site);
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(Map.of("siteId", AttributeValue.fromS(siteId)))).item();
        // A site past its expiry (its account was cancelled; TTL deletion lags) is gone for every reader.
        if (item == null || item.isEmpty() || RetentionPolicy.isExpired(item, now)) {
            cache.remove(siteId);
            return Optional.empty();
        }
        Site site = fromItem(item);
        cache.put(siteId, new Cached(site, now));
        return Optional.of(site);
    }

    public void put(Site site) {
        dynamo.putItem(r -> r.tableName(table).item(toItem(site)));
        cache.remove(site.siteId());
    }

    static Map<String, AttributeValue> toItem(Site site) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("siteId", AttributeValue.fromS(site.siteId()));
        item.put("name", AttributeValue.fromS(site.name()));
        item.put("accountId", AttributeValue.fromS(site.accountId()));
        item.put("siteGroup", AttributeValue.fromS(site.siteGroup()));
        item.put("allowedOrigins", AttributeValue.fromL(site.allowedOrigins().stream().map(AttributeValue::fromS).toList()));
        item.put("bannerVersion", AttributeValue.fromS(site.bannerVersion()));
        item.put("consentLifetimeMonths", AttributeValue.fromN(Integer.toString(site.consentLifetimeMonths())));
        item.put("updatedAt", AttributeValue.fromS(site.updatedAt().toString()));
        item.put("dataCategory", AttributeValue.fromS("configuration"));
        return item;
    }

    static Site fromItem(Map<String, AttributeValue> item) {
        List<String> origins = new ArrayList<>();
        if (item.containsKey("allowedOrigins")) {
            item.get("allowedOrigins").l().forEach(v -> origins.add(v.s()));
        }
        return new Site(
                item.get("siteId").s(),
                text(item, "name", item.get("siteId").s()),
                text(item, "accountId", "default"),
                text(item, "siteGroup", item.get("siteId").s()),
                List.copyOf(origins),
                text(item, "bannerVersion", "1"),
                item.containsKey("consentLifetimeMonths") ? Integer.parseInt(item.get("consentLifetimeMonths").n()) : 12,
                item.containsKey("updatedAt") ? Instant.parse(item.get("updatedAt").s()) : Instant.EPOCH);
    }

    private static String text(Map<String, AttributeValue> item, String name, String fallback) {
        AttributeValue v = item.get(name);
        return v == null || v.s() == null ? fallback : v.s();
    }
}
