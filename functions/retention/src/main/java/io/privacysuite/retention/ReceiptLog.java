package io.privacysuite.retention;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The deletion-receipt audit table: receipts are written, never changed, and read by day. */
public final class ReceiptLog {
    private static final int BATCH = 25;
    private final DynamoDbClient dynamo;
    private final String table;

    public ReceiptLog(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    public String table() {
        return table;
    }

    /**
     * Writes receipts of items DynamoDB already deleted. BatchWriteItem cannot be conditional, but each receipt is
     * a pure function of its stream record (deterministic id and content), so a replay rewrites identical items.
     */
    public void putAll(List<Receipt> receipts) {
        for (int from = 0; from < receipts.size(); from += BATCH) {
            putBatch(receipts.subList(from, Math.min(receipts.size(), from + BATCH)));
        }
    }

    /** Starts writing the receipts, batches in parallel on {@code pool}; join the futures to wait. */
    List<java.util.concurrent.Future<?>> submitAll(List<Receipt> receipts, java.util.concurrent.ExecutorService pool) {
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int from = 0; from < receipts.size(); from += BATCH) {
            List<Receipt> slice = receipts.subList(from, Math.min(receipts.size(), from + BATCH));
            futures.add(pool.submit(() -> putBatch(slice)));
        }
        return futures;
    }

    private void putBatch(List<Receipt> slice) {
        {
            // One BatchWriteItem, retrying what DynamoDB left unprocessed.
            List<WriteRequest> writes = new ArrayList<>();
            for (Receipt r : slice) {
                writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(DeletionReceiptsTable.toItem(r)).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, writes);
            int attempt = 0;
            while (!pending.isEmpty()) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(request));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                pending = pending.isEmpty() ? Map.of() : pending;
                if (!pending.isEmpty()) {
                    Backoff.sleep(++attempt);
                }
            }
        }
    }

    /** Receipts deleted on the given UTC days, oldest first within each day; at most {@code limit}. */
    public List<Receipt> between(LocalDate from, LocalDate to, int limit, java.util.function.Consumer<Receipt> every) {
        List<Receipt> page = new ArrayList<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            for (int shard = 0; shard < Receipt.DAY_SHARDS; shard++) {
                String pk = DeletionReceiptsTable.dayPartition(day, shard);
                Map<String, AttributeValue> start = null;
                do {
                    Map<String, AttributeValue> exclusive = start;
                    QueryResponse response = dynamo.query(q -> q.tableName(table).indexName(DeletionReceiptsTable.BY_DAY_INDEX)
                            .keyConditionExpression("#pk = :pk")
                            .expressionAttributeNames(Map.of("#pk", DeletionReceiptsTable.BY_DAY_PK))
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)))
                            .exclusiveStartKey(exclusive));
                    for (Map<String, AttributeValue> item : response.items()) {
                        Receipt receipt = DeletionReceiptsTable.fromItem(item);
                        every.accept(receipt);
                        if (page.size() < limit) {
                            page.add(receipt);
                        }
                    }
                    start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                            ? response.lastEvaluatedKey() : null;
                } while (start != null);
            }
        }
        page.sort(java.util.Comparator.comparing(Receipt::deletedAt).thenComparing(Receipt::receiptId));
        return page;
    }

    public java.util.Optional<Receipt> find(String receiptId) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(DeletionReceiptsTable.key(receiptId))).item();
        return item == null || item.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(DeletionReceiptsTable.fromItem(item));
    }
}
