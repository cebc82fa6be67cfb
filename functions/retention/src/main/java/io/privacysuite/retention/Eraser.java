package io.privacysuite.retention;

import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Deletes items and writes their receipts together: each item's delete and its receipt's put are in one
 * TransactWriteItems, so there is never a deletion without proof nor proof of a deletion that did not happen.
 * The delete is conditional on the item still existing (and not being parked by a hold since it was read), the
 * receipt on not existing yet: a retry or a race with TTL erases nothing twice and writes no second receipt.
 */
final class Eraser {
    /** Items per transaction: two actions each, DynamoDB's 100-action limit. */
    static final int CHUNK = 50;

    /** One planned erasure: the item as read, the rule and due time its receipt states, and why. */
    record Erasure(StoredItem item, String rule, Instant dueAt, Cause cause, String cascadeOf) {
        Receipt receipt(Instant deletedAt) {
            return Receipt.of(item, rule, dueAt, deletedAt, cause, cascadeOf);
        }
    }

    record Outcome(int erased, int alreadyGone) {
        Outcome plus(Outcome other) {
            return new Outcome(erased + other.erased, alreadyGone + other.alreadyGone);
        }
    }

    private final DynamoDbClient dynamo;
    private final Tables tables;

    Eraser(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /**
     * Erases independent items (no order between them), chunks in parallel: the stream path, where each
     * erasure is a dependant of an item already gone.
     */
    Outcome eraseUnordered(List<Erasure> erasures, Instant now, java.util.concurrent.ExecutorService pool) {
        if (erasures.size() <= CHUNK) {
            return erase(erasures, now);
        }
        List<java.util.concurrent.Future<Outcome>> futures = new ArrayList<>();
        for (int from = 0; from < erasures.size(); from += CHUNK) {
            List<Erasure> chunk = new ArrayList<>(erasures.subList(from, Math.min(erasures.size(), from + CHUNK)));
            futures.add(pool.submit(() -> eraseChunk(chunk, now)));
        }
        Outcome total = new Outcome(0, 0);
        for (var future : futures) {
            total = total.plus(Parallel.join(future));
        }
        return total;
    }

    /** Erases in list order, chunk by chunk (callers order dependants first). */
    Outcome erase(List<Erasure> erasures, Instant now) {
        Outcome total = new Outcome(0, 0);
        for (int from = 0; from < erasures.size(); from += CHUNK) {
            total = total.plus(eraseChunk(new ArrayList<>(erasures.subList(from, Math.min(erasures.size(), from + CHUNK))), now));
        }
        return total;
    }

    private Outcome eraseChunk(List<Erasure> chunk, Instant now) {
        int gone = 0;
        int attempt = 0;
        while (!chunk.isEmpty()) {
            List<TransactWriteItem> actions = new ArrayList<>();
            for (Erasure e : chunk) {
                actions.add(TransactWriteItem.builder().delete(delete(e.item())).build());
                actions.add(TransactWriteItem.builder().put(Put.builder().tableName(tables.receipts())
                        .item(DeletionReceiptsTable.toItem(e.receipt(now)))
                        .conditionExpression("attribute_not_exists(" + DeletionReceiptsTable.RECEIPT_ID + ")").build()).build());
            }
            try {
                dynamo.transactWriteItems(t -> t.transactItems(actions));
                return new Outcome(chunk.size(), gone);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
                List<Erasure> retry = new ArrayList<>();
                boolean conflict = false;
                for (int i = 0; i < chunk.size(); i++) {
                    String onDelete = code(reasons, 2 * i);
                    String onReceipt = code(reasons, 2 * i + 1);
                    if ("ConditionalCheckFailed".equals(onDelete) || "ConditionalCheckFailed".equals(onReceipt)) {
                        gone++; // already erased (TTL won the race, or an earlier attempt), or parked by a new hold
                    } else {
                        conflict |= "TransactionConflict".equals(onDelete) || "TransactionConflict".equals(onReceipt);
                        retry.add(chunk.get(i));
                    }
                }
                if (retry.size() == chunk.size() || conflict) {
                    Backoff.sleep(++attempt);
                }
                chunk = retry;
            }
        }
        return new Outcome(0, gone);
    }

    private Delete delete(StoredItem item) {
        String hashKey = item.source().hashKey();
        // An item read unparked must still be unparked: a hold placed meanwhile wins over the erasure.
        String condition = item.isParked() ? "attribute_exists(" + hashKey + ")"
                : "attribute_exists(" + hashKey + ") AND attribute_not_exists(" + RetentionPolicy.HELD_TTL_ATTRIBUTE + ")";
        Map<String, AttributeValue> key = item.key();
        return Delete.builder().tableName(tables.physical(item.source())).key(key).conditionExpression(condition).build();
    }

    private static String code(List<CancellationReason> reasons, int index) {
        return index < reasons.size() && reasons.get(index) != null ? reasons.get(index).code() : null;
    }
}
