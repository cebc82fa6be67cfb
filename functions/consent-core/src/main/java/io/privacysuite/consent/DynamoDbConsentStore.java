package io.privacysuite.consent;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Consent versions in DynamoDB ({@link ConsentsTable}). Versions are only ever put with a not-exists condition:
 * nothing is overwritten.
 */
public final class DynamoDbConsentStore implements ConsentStore {
    /** The one field of a {@link Page#nextKey}: the sort key the page ended after. */
    public static final String AFTER = "after";
    private static final int BATCH_GET = 100;
    private static final int MAX_ATTEMPTS = 8;

    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;
    private final SiteDayIndex index;

    /** {@code shards}: the template's {@code SiteDayShards} ({@link ConsentsTable#shards}). */
    public DynamoDbConsentStore(DynamoDbClient dynamo, String table, int shards) {
        this.dynamo = dynamo;
        this.table = table;
        this.shards = shards;
        this.index = new SiteDayIndex(dynamo, table, shards);
    }

    @Override
    public boolean append(ConsentRecord record) {
        try {
            dynamo.putItem(r -> r.tableName(table)
                    .item(ConsentsTable.toItem(record, shards))
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

    /**
     * The day's keys from the sharded index in time order, then the items themselves by BatchGetItem (the index holds
     * keys only: see the README's capacity model), handed out in the index's order. An item TTL deleted between the
     * two reads is left out. {@code startKey} is a previous page's {@code {"after": <sort key>}}.
     */
    @Override
    public Page siteDay(String siteId, LocalDate day, Map<String, String> startKey, int limit) {
        String after = null;
        if (startKey != null) {
            if (startKey.size() != 1 || startKey.get(AFTER) == null) {
                throw new IllegalArgumentException("not a position in the index");
            }
            after = startKey.get(AFTER);
        }
        SiteDayIndex.KeyPage keys = index.page(siteId, day, after, limit);
        Map<String, Map<String, AttributeValue>> items = get(keys.keys());
        List<ConsentRecord> records = new ArrayList<>(keys.keys().size());
        for (Map<String, AttributeValue> key : keys.keys()) {
            Map<String, AttributeValue> item = items.get(identity(key));
            if (item != null) {
                records.add(ConsentsTable.fromItem(item));
            }
        }
        return new Page(records, keys.after() == null ? null : Map.of(AFTER, keys.after()));
    }

    /** The items of the given keys by their identity; batches of 100 at once, unprocessed keys retried. */
    private Map<String, Map<String, AttributeValue>> get(List<Map<String, AttributeValue>> indexKeys) {
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        List<List<Map<String, AttributeValue>>> batches = new ArrayList<>();
        for (int from = 0; from < indexKeys.size(); from += BATCH_GET) {
            batches.add(indexKeys.subList(from, Math.min(indexKeys.size(), from + BATCH_GET)).stream()
                    .map(k -> Map.of(ConsentsTable.PK, k.get(ConsentsTable.PK), ConsentsTable.SK, k.get(ConsentsTable.SK)))
                    .toList());
        }
        SiteDayIndex.inParallel(batches, this::getBatch)
                .forEach(batch -> batch.forEach(item -> items.put(identity(item), item)));
        return items;
    }

    private List<Map<String, AttributeValue>> getBatch(List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder().keys(keys).build());
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            Map<String, KeysAndAttributes> request = pending;
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(request));
            items.addAll(response.responses().getOrDefault(table, List.of()));
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            if (!pending.isEmpty()) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new IllegalStateException("DynamoDB left keys unprocessed after " + MAX_ATTEMPTS + " attempts");
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(10L << attempt, 20L << attempt));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while backing off", e);
                }
            }
        }
        return items;
    }

    private static String identity(Map<String, AttributeValue> item) {
        return item.get(ConsentsTable.PK).s() + "\n" + item.get(ConsentsTable.SK).s();
    }
}
