package io.privacysuite.retention;

import io.privacysuite.core.Hashes;
import io.privacysuite.core.retention.DataCategory;
import java.time.Instant;

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
        String keyHash = Hashes.sha256Hex(item.canonicalKey());
        String storedExpiry = item.expiry().map(e -> Long.toString(e.getEpochSecond())).orElse("none");
        String id = Hashes.sha256Hex("receipt|" + keyHash + "|" + storedExpiry);
        return new Receipt(id, keyHash, item.source().logicalName(), item.category(), rule, expiresAt, deletedAt,
                cause, cascadeOf);
    }

    static int shardOf(String receiptId) {
        return Character.digit(receiptId.charAt(0), 16) % DAY_SHARDS;
    }
}
