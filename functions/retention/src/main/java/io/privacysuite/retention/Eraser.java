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
    Outcome eraseUnordered(List<Erasure> all, Instant now, java.util.concurrent.ExecutorService pool) {
        List<Erasure> erasures = distinct(all);
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
    Outcome erase(List<Erasure> all, Instant now) {
        List<Erasure> erasures = distinct(all);
        Outcome total = new Outcome(0, 0);
        for (int from = 0; from < erasures.size(); from += CHUNK) {
            total = total.plus(eraseChunk(new ArrayList<>(erasures.subList(from, Math.min(erasures.size(), from + CHUNK))), now));
        }
        return total;
    }

    /**
     * Erases one chunk (at most {@link #CHUNK} items, so at most 100 actions and far below the 4 MB request limit).
     * A record whose condition failed is done: already erased (TTL won the race, or an earlier delivery of the same
     * batch did) or parked by a hold placed meanwhile; it is counted and dropped, and the rest go again at once.
     * Conflicts and throttling go again after a back-off, in groups half as large each time, down to one record per
     * transaction. Groups run in list order and a later group waits until the earlier ones are done, so callers'
     * dependants-first order holds even when a group is split.
     */
    private Outcome eraseChunk(List<Erasure> chunk, Instant now) {
        List<Erasure> pending = new ArrayList<>(chunk);
        int size = Math.max(1, pending.size());
        int attempt = 0;
        Outcome total = new Outcome(0, 0);
        while (!pending.isEmpty()) {
            List<Erasure> retry = new ArrayList<>();
            boolean busy = false;
            for (int from = 0; from < pending.size(); from += size) {
                List<Erasure> group = pending.subList(from, Math.min(pending.size(), from + size));
                Attempt result = attempt(group, now);
                total = total.plus(new Outcome(result.erased(), result.gone()));
                if (!result.retry().isEmpty()) {
                    busy = result.busy();
                    retry.addAll(result.retry());
                    retry.addAll(pending.subList(Math.min(pending.size(), from + size), pending.size()));
                    break;
                }
            }
            if (busy) {
                Backoff.sleep(++attempt);
                size = Math.max(1, size / 2);
            } else if (retry.size() == pending.size()) {
                Backoff.sleep(++attempt); // no progress and no reason given: do not spin
            }
            pending = retry;
        }
        return total;
    }

    /** One transaction's result: erased, found gone, to go again, and whether DynamoDB was busy (conflict, throttling). */
    private record Attempt(int erased, int gone, List<Erasure> retry, boolean busy) {}

    private Attempt attempt(List<Erasure> group, Instant now) {
        List<TransactWriteItem> actions = new ArrayList<>();
        for (Erasure e : group) {
            actions.add(TransactWriteItem.builder().delete(delete(e.item())).build());
            actions.add(TransactWriteItem.builder().put(Put.builder().tableName(tables.receipts())
                    .item(DeletionReceiptsTable.toItem(e.receipt(now)))
                    .conditionExpression("attribute_not_exists(" + DeletionReceiptsTable.RECEIPT_ID + ")").build()).build());
        }
        try {
            dynamo.transactWriteItems(t -> t.transactItems(actions));
            return new Attempt(group.size(), 0, List.of(), false);
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            List<Erasure> retry = new ArrayList<>();
            int gone = 0;
            boolean busy = false;
            for (int i = 0; i < group.size(); i++) {
                String onDelete = code(reasons, 2 * i);
                String onReceipt = code(reasons, 2 * i + 1);
                if (CONDITION_FAILED.equals(onDelete) || CONDITION_FAILED.equals(onReceipt)) {
                    gone++;
                } else {
                    busy |= BUSY.contains(onDelete) || BUSY.contains(onReceipt);
                    retry.add(group.get(i));
                }
            }
            return new Attempt(0, gone, retry, busy);
        }
    }

    private static final String CONDITION_FAILED = "ConditionalCheckFailed";
    /** Cancellation reasons that say "not now": another transaction holds the item, or capacity ran out. */
    private static final java.util.Set<String> BUSY = java.util.Set.of("TransactionConflict", "ThrottlingError",
            "ProvisionedThroughputExceeded");

    /** A transaction may name an item only once: a repeated erasure of an item keeps its first occurrence. */
    private static List<Erasure> distinct(List<Erasure> erasures) {
        Map<String, Erasure> byItem = new java.util.LinkedHashMap<>();
        for (Erasure e : erasures) {
            byItem.putIfAbsent(e.item().canonicalKey(), e);
        }
        return new ArrayList<>(byItem.values());
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
