package io.privacysuite.core.limits;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Counters in the rate-limits table ({@code pk = <rule>#<key>#<window>}, {@code used}, TTL {@code expiresAt}): one
 * conditional UpdateItem adds a chunk only while the window's total stays within the limit.
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
        try {
            dynamo.updateItem(r -> r.tableName(table)
                    .key(Map.of("pk", AttributeValue.fromS(id)))
                    .updateExpression("ADD used :n SET expiresAt = :exp")
                    .conditionExpression("attribute_not_exists(used) OR used <= :max")
                    .expressionAttributeValues(Map.of(
                            ":n", AttributeValue.fromN(Integer.toString(amount)),
                            ":max", AttributeValue.fromN(Long.toString(limit - amount)),
                            ":exp", AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
