package io.privacysuite.core.retention;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** Legal holds ({@link LegalHoldsTable}). A small table, read whole per batch. */
public final class LegalHoldStore {
    private final DynamoDbClient dynamo;
    private final String table;

    public LegalHoldStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public void place(LegalHold hold) {
        dynamo.putItem(p -> p.tableName(table).item(LegalHoldsTable.toItem(hold)).conditionExpression("attribute_not_exists(" + LegalHoldsTable.PK + ")"));
    }

    /** Marks the hold released; false if it was already released (a repeated release changes nothing). */
    public boolean release(LegalHold hold, String by, String reason, Instant at) {
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(LegalHoldsTable.key(hold))
                    .updateExpression("SET #status = :released, releasedBy = :by, releasedAt = :at, releaseReason = :why")
                    .conditionExpression("#status = :active")
                    .expressionAttributeNames(Map.of("#status", LegalHoldsTable.STATUS))
                    .expressionAttributeValues(Map.of(":released", AttributeValue.fromS(LegalHoldsTable.RELEASED),
                            ":active", AttributeValue.fromS(LegalHoldsTable.ACTIVE), ":by", AttributeValue.fromS(by),
                            ":at", AttributeValue.fromS(at.toString()), ":why", AttributeValue.fromS(reason))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    public Optional<LegalHold> find(String holdId) {
        return all().stream().filter(h -> h.holdId().equals(holdId)).findFirst();
    }

    /** A consistent snapshot of the active holds, taken before each batch of erasures. */
    public HoldIndex activeIndex() {
        return new HoldIndex(all().stream().filter(LegalHold::isActive).toList());
    }

    public List<LegalHold> all() {
        List<LegalHold> holds = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusive = start;
            ScanResponse page = dynamo.scan(s -> s.tableName(table).consistentRead(true).exclusiveStartKey(exclusive));
            page.items().forEach(item -> holds.add(LegalHoldsTable.fromItem(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return holds;
    }
}
