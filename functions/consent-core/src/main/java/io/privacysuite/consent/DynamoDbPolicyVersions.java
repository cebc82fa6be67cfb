package io.privacysuite.consent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Policy versions in DynamoDB. Reads are cached for {@code cacheMillis} (a verify must not cost a query each time; a
 * version is published at least 30 days before a material change applies, so a minute's staleness changes nothing).
 */
public final class DynamoDbPolicyVersions implements PolicyVersions {
    private final DynamoDbClient dynamo;
    private final String table;
    private final long cacheMillis;
    private volatile List<PolicyVersion> cached;
    private volatile long loadedAt;

    public DynamoDbPolicyVersions(DynamoDbClient dynamo, String table, long cacheMillis) {
        this.dynamo = dynamo;
        this.table = table;
        this.cacheMillis = cacheMillis;
    }

    @Override
    public boolean publish(PolicyVersion version) {
        try {
            dynamo.putItem(r -> r.tableName(table).item(PolicyVersionsTable.item(version))
                    .conditionExpression("attribute_not_exists(#sk)")
                    .expressionAttributeNames(Map.of("#sk", PolicyVersionsTable.SK)));
            cached = null;
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public List<PolicyVersion> all() {
        List<PolicyVersion> versions = cached;
        if (versions == null || System.nanoTime() / 1_000_000 - loadedAt > cacheMillis) {
            List<PolicyVersion> loaded = new ArrayList<>();
            dynamo.queryPaginator(q -> q.tableName(table).keyConditionExpression("#pk = :pk")
                            .expressionAttributeNames(Map.of("#pk", PolicyVersionsTable.PK))
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PolicyVersionsTable.PARTITION))))
                    .items().forEach(item -> loaded.add(PolicyVersionsTable.version(item)));
            loaded.sort(Comparator.comparing(PolicyVersion::effectiveAt));
            versions = List.copyOf(loaded);
            cached = versions;
            loadedAt = System.nanoTime() / 1_000_000;
        }
        return versions;
    }
}
