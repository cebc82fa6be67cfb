package io.privacysuite.consent;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Consent versions in DynamoDB ({@link ConsentsTable}). Versions are only ever put with a not-exists condition:
 * nothing is overwritten.
 */
public final class ConsentStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public ConsentStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /** Appends a version; false when that version already exists (a retry or a concurrent change). */
    public boolean append(ConsentRecord record) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(ConsentsTable.toItem(record))
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Every stored version, oldest first, including ones past their TTL (callers decide what to serve). */
    public List<ConsentRecord> history(String consentId) {
        List<ConsentRecord> versions = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> exclusiveStart = startKey;
            QueryResponse page = dynamo.query(r -> r.tableName(table)
                    .keyConditionExpression("#pk = :pk")
                    .expressionAttributeNames(Map.of("#pk", ConsentsTable.PK))
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ConsentsTable.pk(consentId))))
                    .consistentRead(true)
                    .exclusiveStartKey(exclusiveStart));
            page.items().forEach(item -> versions.add(ConsentsTable.fromItem(item)));
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
        return versions;
    }

    public Optional<ConsentRecord> version(String consentId, int version) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(ConsentsTable.key(consentId, version))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ConsentsTable.fromItem(item));
    }

    /** One page of a site's records on one UTC day, in time order. */
    public Page siteDay(String siteId, LocalDate day, Map<String, AttributeValue> startKey, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(ConsentsTable.SITE_DAY_INDEX)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", ConsentsTable.SITE_DAY_PK))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ConsentsTable.siteDay(siteId, day))))
                .limit(limit);
        if (startKey != null && !startKey.isEmpty()) {
            query.exclusiveStartKey(startKey);
        }
        QueryResponse response = dynamo.query(query.build());
        List<ConsentRecord> records = response.items().stream().map(ConsentsTable::fromItem).toList();
        Map<String, AttributeValue> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? response.lastEvaluatedKey() : null;
        return new Page(records, next);
    }

    public record Page(List<ConsentRecord> records, Map<String, AttributeValue> nextKey) {}
}
