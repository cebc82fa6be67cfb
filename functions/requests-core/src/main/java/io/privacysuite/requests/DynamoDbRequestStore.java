package io.privacysuite.requests;

import io.privacysuite.core.Ids;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Requests in the requests table ({@link RequestsTable}). Every write sets the TTL from {@link RetentionPolicy}: 72 h
 * while unverified, then 24 months counted from verification and again from closing. The processor's lease on a
 * request is an item of its own in the same partition ({@link #acquireLease}).
 */
public final class DynamoDbRequestStore implements RequestStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final RetentionPolicy retention;

    public DynamoDbRequestStore(DynamoDbClient dynamo, String table, RetentionPolicy retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
    }

    @Override
    public DsarRequest create(DsarRequest request, Instant now, List<Counter> counters) {
        DsarRequest stored = request.toBuilder().version(1).build();
        if (counters.isEmpty()) {
            try {
                dynamo.putItem(r -> r.tableName(table).item(RequestsTable.toItem(stored, now, retention))
                        .conditionExpression("attribute_not_exists(" + RequestsTable.PK + ")"));
            } catch (ConditionalCheckFailedException e) {
                throw new ConcurrentChangeException();
            }
            return stored;
        }
        List<TransactWriteItem> items = new ArrayList<>();
        counters.forEach(counter -> items.add(counterIncrement(counter, now)));
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(RequestsTable.toItem(stored, now, retention))
                .conditionExpression("attribute_not_exists(" + RequestsTable.PK + ")").build()).build());
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            for (int i = 0; i < reasons.size(); i++) {
                if ("ConditionalCheckFailed".equals(reasons.get(i).code())) {
                    if (i == counters.size()) {
                        if (isOwnEarlierAttempt(stored)) {
                            return stored;
                        }
                        throw new ConcurrentChangeException();
                    }
                    throw new CounterFullException(i);
                }
            }
            throw e;
        }
        return stored;
    }

    /**
     * Whether the request found under this new (random) id is this very request, stored by an earlier attempt of the
     * same transaction whose answer was lost (the SDK retried it): then it is stored, and not a conflict.
     */
    private boolean isOwnEarlierAttempt(DsarRequest request) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(RequestsTable.key(request.requestId()))).item();
        if (item == null || item.isEmpty()) {
            return false;
        }
        DsarRequest found = RequestsTable.fromItem(item);
        return found.version() == 1 && java.util.Objects.equals(found.verifyTokenHash(), request.verifyTokenHash());
    }

    @Override
    public void discardNew(String requestId, List<Counter> counters) {
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table).key(RequestsTable.key(requestId))
                .conditionExpression("#v = :one")
                .expressionAttributeNames(Map.of("#v", "version"))
                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))).build()).build());
        for (Counter counter : counters) {
            items.add(TransactWriteItem.builder().update(Update.builder().tableName(table)
                    .key(RequestsTable.rateCounterKey(counter.scope(), counter.keyHash(), counter.windowStart()))
                    .updateExpression("ADD #hits :minus")
                    .conditionExpression("#hits > :zero")
                    .expressionAttributeNames(Map.of("#hits", "hits"))
                    .expressionAttributeValues(Map.of(":minus", AttributeValue.fromN("-1"), ":zero", AttributeValue.fromN("0")))
                    .build()).build());
        }
        try {
            dynamo.transactWriteItems(r -> r.transactItems(items));
        } catch (TransactionCanceledException changedSince) {
            // Someone acted on it meanwhile (or it is gone already): it stays as it is.
        }
    }

    @Override
    public DsarRequest update(DsarRequest changed, Instant now) {
        DsarRequest stored = changed.toBuilder().version(changed.version() + 1).build();
        try {
            dynamo.putItem(r -> r.tableName(table).item(RequestsTable.toItem(stored, now, retention))
                    .conditionExpression("#v = :v")
                    .expressionAttributeNames(Map.of("#v", "version"))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromN(Long.toString(changed.version())))));
        } catch (ConditionalCheckFailedException e) {
            throw new ConcurrentChangeException();
        }
        return stored;
    }

    @Override
    public Optional<DsarRequest> find(String requestId, Instant now) {
        // Request ids are UUIDs: anything else (a 10,000-character id, control characters) is unknown without a read.
        if (!Ids.isUuid(requestId)) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(RequestsTable.key(requestId))).item();
        if (item == null || item.isEmpty() || RetentionPolicy.isExpired(item, now)) {
            return Optional.empty();
        }
        return Optional.of(RequestsTable.fromItem(item));
    }

    @Override
    public Optional<Instant> acquireLease(String requestId, String owner, Instant until, Instant now) {
        Map<String, AttributeValue> item = RequestsTable.lease(requestId, owner, until);
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR #until <= :now OR #owner = :owner")
                    .expressionAttributeNames(Map.of("#pk", RequestsTable.PK, "#until", RequestsTable.LEASE_UNTIL,
                            "#owner", RequestsTable.LEASE_OWNER))
                    .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())), ":owner", AttributeValue.fromS(owner))));
            return Optional.empty();
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> held = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(RequestsTable.leaseKey(requestId))).item();
            return Optional.of(held == null || !held.containsKey(RequestsTable.LEASE_UNTIL) ? now
                    : Instant.ofEpochSecond(Long.parseLong(held.get(RequestsTable.LEASE_UNTIL).n())));
        }
    }

    @Override
    public void releaseLease(String requestId, String owner) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(RequestsTable.leaseKey(requestId))
                    .conditionExpression("#owner = :owner")
                    .expressionAttributeNames(Map.of("#owner", RequestsTable.LEASE_OWNER))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))));
        } catch (ConditionalCheckFailedException e) {
            // Not ours any more: nothing to give back.
        }
    }

    @Override
    public void forEachOpen(Instant dueBefore, Instant now, Consumer<DsarRequest> action) {
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> exclusiveStart = startKey;
            QueryResponse page = dynamo.query(r -> r.tableName(table).indexName(RequestsTable.OPEN_INDEX)
                    .keyConditionExpression("#open = :open AND #due < :before")
                    .expressionAttributeNames(Map.of("#open", RequestsTable.OPEN_PK, "#due", RequestsTable.DUE_EPOCH))
                    .expressionAttributeValues(Map.of(":open", AttributeValue.fromS(RequestsTable.OPEN),
                            ":before", AttributeValue.fromN(Long.toString(dueBefore.getEpochSecond()))))
                    .exclusiveStartKey(exclusiveStart));
            page.items().stream().filter(item -> !RetentionPolicy.isExpired(item, now)).map(RequestsTable::fromItem)
                    .forEach(action);
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (startKey != null);
    }

    /**
     * The conditional increment of one intake counter, in the transaction that stores the request: fixed windows,
     * refused once the window's count reached the limit. Counters hold hashes only and expire by the retention policy.
     */
    private TransactWriteItem counterIncrement(Counter counter, Instant now) {
        Map<String, String> names = new HashMap<>(Map.of("#hits", "hits"));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":one", AttributeValue.fromN("1"),
                ":limit", AttributeValue.fromN(Integer.toString(counter.limit()))));
        String stamp = retention.stampFor(DataCategory.RATE_LIMIT_COUNTER, now).setClauses(names, values);
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(RequestsTable.rateCounterKey(counter.scope(), counter.keyHash(), counter.windowStart()))
                .updateExpression("ADD #hits :one SET " + stamp)
                .conditionExpression("attribute_not_exists(#hits) OR #hits < :limit")
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build()).build();
    }
}
