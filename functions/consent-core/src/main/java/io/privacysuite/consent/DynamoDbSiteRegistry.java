package io.privacysuite.consent;

import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
public final class DynamoDbSiteRegistry implements SiteRegistry {
    static final Duration CACHE_TTL = Duration.ofSeconds(30);

    private final DynamoDbClient dynamo;
    private final String table;
    private final RetentionPolicy retention;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Site site, Instant loadedAt) {}

    public DynamoDbSiteRegistry(DynamoDbClient dynamo, String table, RetentionPolicy retention, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public Optional<Site> find(String siteId) {
        Instant now = clock.instant();
        Cached cached = cache.get(siteId);
        if (cached != null && cached.loadedAt.plus(CACHE_TTL).isAfter(now)) {
            return Optional.of(cached.site);
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table)
                .key(SitesTable.key(siteId))).item();
        // A site past its expiry (its account was cancelled; TTL deletion lags) is gone for every reader.
        if (item == null || item.isEmpty() || RetentionPolicy.isExpired(item, now)) {
            cache.remove(siteId);
            return Optional.empty();
        }
        Site site = SitesTable.fromItem(item);
        cache.put(siteId, new Cached(site, now));
        return Optional.of(site);
    }

    @Override
    public void put(Site site) {
        dynamo.putItem(r -> r.tableName(table).item(SitesTable.toItem(site, retention)));
        cache.remove(site.siteId());
    }
}
