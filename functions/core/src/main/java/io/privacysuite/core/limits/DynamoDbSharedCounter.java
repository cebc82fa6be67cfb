package io.privacysuite.core.limits;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Counters in the rate-limits table ({@link RateLimitsTable}): one conditional UpdateItem adds a chunk only while the
 * window's total stays within the limit.
 */
public final class DynamoDbSharedCounter implements SharedCounter {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbSharedCounter(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public boolean tryAdd(String id, int amount, long limit, Instant expiresAt) {
        Map<String, String> names = new HashMap<>(Map.of("#used", RateLimitsTable.USED));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":n", AttributeValue.fromN(Integer.toString(amount)),
                ":max", AttributeValue.fromN(Long.toString(limit - amount))));
        String stamp = RateLimitsTable.stamp(expiresAt).setClauses(names, values);
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(RateLimitsTable.key(id))
                    .updateExpression("ADD #used :n SET " + stamp)
                    .conditionExpression("attribute_not_exists(#used) OR #used <= :max")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
