package io.privacysuite.retention;

import io.privacysuite.core.retention.DataCategory;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DeletionReceiptsTable's key and attribute names: one item per receipt ({@code receiptId}), indexed by the UTC day of
 * the deletion ({@code byDay}: {@code byDayPk = <yyyy-MM-dd>#<shard>}, {@code byDaySk = <deletedAt>#<receiptId>}).
 * Receipts are the audit trail of erasure: kept without TTL.
 */
public final class DeletionReceiptsTable {
    public static final String RECEIPT_ID = "receiptId";
    public static final String BY_DAY_INDEX = "byDay";
    static final String BY_DAY_PK = "byDayPk";

    private DeletionReceiptsTable() {}

    static Map<String, AttributeValue> key(String receiptId) {
        return Map.of(RECEIPT_ID, AttributeValue.fromS(receiptId));
    }

    public static Map<String, AttributeValue> toItem(Receipt r) {
        Map<String, AttributeValue> item = new HashMap<>(key(r.receiptId()));
        item.put("keyHash", AttributeValue.fromS(r.keyHash()));
        item.put("table", AttributeValue.fromS(r.table()));
        item.put("category", AttributeValue.fromS(r.category().wire()));
        item.put("rule", AttributeValue.fromS(r.rule()));
        if (r.expiresAt() != null) {
            item.put("expiresAtIso", AttributeValue.fromS(r.expiresAt().toString()));
        }
        item.put("deletedAt", AttributeValue.fromS(r.deletedAt().toString()));
        item.put("cause", AttributeValue.fromS(r.cause().wire()));
        if (r.cascadeOf() != null) {
            item.put("cascadeOf", AttributeValue.fromS(r.cascadeOf()));
        }
        item.put(BY_DAY_PK, AttributeValue.fromS(dayPartition(LocalDate.ofInstant(r.deletedAt(), ZoneOffset.UTC),
                Receipt.shardOf(r.receiptId()))));
        item.put("byDaySk", AttributeValue.fromS(r.deletedAt() + "#" + r.receiptId()));
        return item;
    }

    public static Receipt fromItem(Map<String, AttributeValue> item) {
        return new Receipt(item.get(RECEIPT_ID).s(), item.get("keyHash").s(), item.get("table").s(),
                DataCategory.fromWire(item.get("category").s()), item.get("rule").s(),
                item.containsKey("expiresAtIso") ? Instant.parse(item.get("expiresAtIso").s()) : null,
                Instant.parse(item.get("deletedAt").s()), Cause.valueOf(item.get("cause").s().toUpperCase()),
                item.containsKey("cascadeOf") ? item.get("cascadeOf").s() : null);
    }

    static String dayPartition(LocalDate day, int shard) {
        return day + "#" + shard;
    }
}
