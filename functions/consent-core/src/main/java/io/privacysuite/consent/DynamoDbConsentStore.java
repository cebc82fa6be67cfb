package io.privacysuite.consent;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
public final class DynamoDbConsentStore implements ConsentStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbConsentStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
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

    @Override
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

    @Override
    public Optional<ConsentRecord> version(String consentId, int version) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(ConsentsTable.key(consentId, version))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(ConsentsTable.fromItem(item));
    }

    @Override
    public Page siteDay(String siteId, LocalDate day, Map<String, String> startKey, int limit) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(ConsentsTable.SITE_DAY_INDEX)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", ConsentsTable.SITE_DAY_PK))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ConsentsTable.siteDay(siteId, day))))
                .limit(limit);
        if (startKey != null && !startKey.isEmpty()) {
            Map<String, AttributeValue> start = new LinkedHashMap<>();
            startKey.forEach((k, v) -> start.put(k, AttributeValue.fromS(v)));
            query.exclusiveStartKey(start);
        }
        QueryResponse response = dynamo.query(query.build());
        List<ConsentRecord> records = response.items().stream().map(ConsentsTable::fromItem).toList();
        Map<String, String> next = null;
        if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
            // Every key attribute of the table and its index is a string.
            next = new LinkedHashMap<>();
            for (var e : response.lastEvaluatedKey().entrySet()) {
                next.put(e.getKey(), e.getValue().s());
            }
        }
        return new Page(records, next);
    }
}
