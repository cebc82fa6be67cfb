package io.privacysuite.requests.api;

import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Fixed-window counters in the requests table ({@code pk = RATE#<scope>#<hash>#<window start>}), incremented
 * atomically with a condition so concurrent containers never exceed the limit. Keys hold hashes only; the
 * counters expire through the retention policy.
 */
public final class RateLimiter {
    private final DynamoDbClient dynamo;
    private final String table;
    private final RetentionPolicy retention;
    private final Duration window;

    public RateLimiter(DynamoDbClient dynamo, String table, RetentionPolicy retention, Duration window) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
        this.window = window;
    }

    /** Counts one hit; returns 0 when allowed, else the seconds until the window resets. */
    public long hit(String scope, String keyHash, int limit, Instant now) {
        long windowSeconds = window.toSeconds();
        long start = now.getEpochSecond() / windowSeconds * windowSeconds;
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS("RATE#" + scope + "#" + keyHash + "#" + start),
                            "sk", AttributeValue.fromS("RATE")))
                    .updateExpression("ADD hits :one SET #ttl = :ttl, #rule = :rule")
                    .conditionExpression("attribute_not_exists(hits) OR hits < :limit")
                    .expressionAttributeNames(Map.of("#ttl", RetentionPolicy.TTL_ATTRIBUTE,
                            "#rule", RetentionPolicy.RULE_ATTRIBUTE))
                    .expressionAttributeValues(Map.of(
                            ":one", AttributeValue.fromN("1"),
                            ":limit", AttributeValue.fromN(Integer.toString(limit)),
                            ":ttl", AttributeValue.fromN(Long.toString(retention
                                    .expiryOf(DataCategory.RATE_LIMIT_COUNTER, now).getEpochSecond())),
                            ":rule", AttributeValue.fromS(retention.ruleName(DataCategory.RATE_LIMIT_COUNTER)))));
            return 0;
        } catch (ConditionalCheckFailedException e) {
            return Math.max(1, start + windowSeconds - now.getEpochSecond());
        }
    }
}
