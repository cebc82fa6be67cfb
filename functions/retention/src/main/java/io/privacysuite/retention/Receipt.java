package io.privacysuite.retention;

import io.privacysuite.core.retention.DataCategory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Proof that one item was erased: its category, a SHA-256 of where it lived (never the data or the key in clear),
 * the rule, when it was due and when it went, and why. The id is derived from the item's identity and its stored
 * expiry, so erasing the same item twice (a replayed stream batch, a sweeper racing TTL) yields the same receipt.
 */
public record Receipt(
        String receiptId,
        String keyHash,
        String table,
        DataCategory category,
        String rule,
        Instant expiresAt,
        Instant deletedAt,
        Cause cause,
        String cascadeOf) {

    /** Receipts of one day are spread over this many index partitions so a TTL flood does not throttle one. */
    static final int DAY_SHARDS = 8;

    public static Receipt of(StoredItem item, String rule, Instant expiresAt, Instant deletedAt, Cause cause,
                             String cascadeOf) {
        String keyHash = sha256(item.canonicalKey());
        String storedExpiry = item.expiry().map(e -> Long.toString(e.getEpochSecond())).orElse("none");
        String id = sha256("receipt|" + keyHash + "|" + storedExpiry);
        return new Receipt(id, keyHash, item.source().logicalName(), item.category(), rule, expiresAt, deletedAt,
                cause, cascadeOf);
    }

    public Map<String, AttributeValue> toItem() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("receiptId", AttributeValue.fromS(receiptId));
        item.put("keyHash", AttributeValue.fromS(keyHash));
        item.put("table", AttributeValue.fromS(table));
        item.put("category", AttributeValue.fromS(category.wire()));
        item.put("rule", AttributeValue.fromS(rule));
        if (expiresAt != null) {
            item.put("expiresAtIso", AttributeValue.fromS(expiresAt.toString()));
        }
        item.put("deletedAt", AttributeValue.fromS(deletedAt.toString()));
        item.put("cause", AttributeValue.fromS(cause.wire()));
        if (cascadeOf != null) {
            item.put("cascadeOf", AttributeValue.fromS(cascadeOf));
        }
        item.put("byDayPk", AttributeValue.fromS(dayPartition(LocalDate.ofInstant(deletedAt, ZoneOffset.UTC),
                shardOf(receiptId))));
        item.put("byDaySk", AttributeValue.fromS(deletedAt + "#" + receiptId));
        return item;
    }

    public static Receipt fromItem(Map<String, AttributeValue> item) {
        return new Receipt(item.get("receiptId").s(), item.get("keyHash").s(), item.get("table").s(),
                DataCategory.fromWire(item.get("category").s()), item.get("rule").s(),
                item.containsKey("expiresAtIso") ? Instant.parse(item.get("expiresAtIso").s()) : null,
                Instant.parse(item.get("deletedAt").s()), Cause.valueOf(item.get("cause").s().toUpperCase()),
                item.containsKey("cascadeOf") ? item.get("cascadeOf").s() : null);
    }

    static String dayPartition(LocalDate day, int shard) {
        return day + "#" + shard;
    }

    static int shardOf(String receiptId) {
        return Character.digit(receiptId.charAt(0), 16) % DAY_SHARDS;
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
