package io.privacysuite.requests.api;

import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.requests.RequestsTable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Fixed-window counters in the requests table ({@link RequestsTable#rateCounterKey}), incremented
 * with a condition inside the transaction that stores the request, so concurrent containers never exceed the
 * limit and a refused request leaves nothing behind. Keys hold hashes only; counters expire by retention policy.
 */
public final class RateLimiter {
    private final String table;
    private final RetentionPolicy retention;
    private final Duration window;

    public RateLimiter(String table, RetentionPolicy retention, Duration window) {
        this.table = table;
        this.retention = retention;
        this.window = window;
    }

    /** The conditional increment of one counter, to run inside the transaction that stores the request. */
    public TransactWriteItem hit(String scope, String keyHash, int limit, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#hits", "hits"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", AttributeValue.fromN("1"),
                ":limit", AttributeValue.fromN(Integer.toString(limit))));
        String stamp = retention.stampFor(DataCategory.RATE_LIMIT_COUNTER, now).setClauses(names, values);
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(RequestsTable.rateCounterKey(scope, keyHash, windowStart(now)))
                .updateExpression("ADD #hits :one SET " + stamp)
                .conditionExpression("attribute_not_exists(#hits) OR #hits < :limit")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }

    /**
     * The /64 an IPv6 client address belongs to (one subscriber usually holds a whole /64, so counting single
     * addresses would let them rotate freely); empty for IPv4 and anything that is not an IP literal.
     */
    static java.util.Optional<String> ipv6Network(String ip) {
        try {
            java.net.InetAddress address = java.net.InetAddress.ofLiteral(ip.strip());
            if (!(address instanceof java.net.Inet6Address)) {
                return java.util.Optional.empty();
            }
            byte[] bytes = address.getAddress();
            return java.util.Optional.of(java.util.HexFormat.of().formatHex(bytes, 0, 8) + "/64");
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** Seconds until the current window ends (the Retry-After of a refused request). */
    public long retryAfter(Instant now) {
        return Math.max(1, windowStart(now) + window.toSeconds() - now.getEpochSecond());
    }

    private long windowStart(Instant now) {
        long windowSeconds = window.toSeconds();
        return now.getEpochSecond() / windowSeconds * windowSeconds;
    }
}
