package io.privacysuite.consent;

import io.privacysuite.core.Env;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.retention.RetentionStamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * ConsentsTable's key formats and attribute names, the one place they are spelled: {@code pk = CONSENT#<id>},
 * {@code sk = V#<version, six digits>}, so a Query returns a consent's history in order; the {@code bySiteDayShard}
 * index ({@code gsi2pk = <siteId>#<yyyy-MM-dd>#<shard>}, {@code gsi1sk = <recordedAt>#<id>#<sk>}, keys only) spreads a
 * site's day over {@code shards} partitions, the shard a hash of the consent id, so no site-day is one hot partition
 * (DynamoDB takes about 1,000 writes a second per partition key); readers query every shard and merge by the sort key.
 * Items written before the shards carry only the old {@code gsi1pk = <siteId>#<yyyy-MM-dd>} of the retired
 * {@code bySiteDay} index until the backfill gives them a shard key. Items carry the retention stamp of the record they
 * hold: end-user data, with the expiry the record signs.
 */
public final class ConsentsTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String SITE_DAY_INDEX = "bySiteDayShard";
    public static final String SITE_DAY_PK = "gsi2pk";
    public static final String SITE_DAY_SK = "gsi1sk";
    /** The retired unsharded index and its partition key: kept on old items, read only by the backfill. */
    public static final String LEGACY_SITE_DAY_INDEX = "bySiteDay";
    public static final String LEGACY_SITE_DAY_PK = "gsi1pk";
    /** The environment variable with the template's {@code SiteDayShards}, and its default there. */
    public static final String SHARDS_VARIABLE = "SITE_DAY_SHARDS";
    public static final int DEFAULT_SHARDS = 8;
    /** A shard count beyond which a day's export would cost more in empty-shard queries than it spreads. */
    public static final int MAX_SHARDS = 64;
    public static final String CONSENT_ID = "consentId";
    public static final String SITE_ID = "siteId";
    /** Attributes that only serve the table's keys and indexes: not part of what the suite holds about a person. */
    public static final List<String> KEY_PLUMBING = List.of(PK, SITE_DAY_PK, SITE_DAY_SK, LEGACY_SITE_DAY_PK);
    private static final String PK_PREFIX = "CONSENT#";
    private static final String VERSION_PREFIX = "V#";

    private ConsentsTable() {}

    public static String pk(String consentId) {
        return PK_PREFIX + consentId;
    }

    public static String sk(int version) {
        return String.format(VERSION_PREFIX + "%06d", version);
    }

    public static Map<String, AttributeValue> key(String consentId, int version) {
        return Map.of(PK, AttributeValue.fromS(pk(consentId)), SK, AttributeValue.fromS(sk(version)));
    }

    /** The key of another version in the same partition as {@code pk}. */
    public static Map<String, AttributeValue> versionKey(String pk, int version) {
        return Map.of(PK, AttributeValue.fromS(pk), SK, AttributeValue.fromS(sk(version)));
    }

    /** Whether a sort key names a consent version. */
    public static boolean isVersion(String sk) {
        return sk != null && sk.startsWith(VERSION_PREFIX);
    }

    /** The version number a version's sort key holds. */
    public static int versionOf(String sk) {
        return Integer.parseInt(sk.substring(VERSION_PREFIX.length()));
    }

    /** The shard count the template's {@code SiteDayShards} gives the functions (the default when absent). */
    public static int shards(Env env) {
        int shards = env.getInt(SHARDS_VARIABLE, DEFAULT_SHARDS);
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new IllegalStateException(SHARDS_VARIABLE + " must be 1 to " + MAX_SHARDS + ", was " + shards);
        }
        return shards;
    }

    /** The retired {@code bySiteDay} partition of a site's records on one UTC day (old items carry it). */
    public static String siteDay(String siteId, LocalDate day) {
        return siteId + "#" + day;
    }

    /** One {@code bySiteDayShard} partition of a site's day. */
    public static String siteDayShard(String siteId, LocalDate day, int shard) {
        return siteDayShard(siteDay(siteId, day), shard);
    }

    /** The shard key of an item whose unsharded site-day key is {@code siteDay} (what the backfill derives). */
    public static String siteDayShard(String siteDay, int shard) {
        return siteDay + "#" + shard;
    }

    /**
     * The shard of a consent: its id's hash (murmur3's finalizer over String.hashCode, fixed by the language, so every
     * JVM agrees) modulo the shard count. Ids are server-made UUIDs: a client cannot pile a day onto one shard.
     */
    public static int shardOf(String consentId, int shards) {
        int h = consentId.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, shards);
    }

    /** The index sort key: time order, then consent and version, unique per item. */
    public static String siteDaySortKey(ConsentRecord r) {
        return r.recordedAt() + "#" + r.consentId() + "#" + sk(r.version());
    }

    public static Map<String, AttributeValue> toItem(ConsentRecord r, int shards) {
        Map<String, AttributeValue> item = new HashMap<>(key(r.consentId(), r.version()));
        item.put(SITE_DAY_PK, AttributeValue.fromS(siteDayShard(r.siteId(),
                LocalDate.ofInstant(r.recordedAt(), ZoneOffset.UTC), shardOf(r.consentId(), shards))));
        item.put(SITE_DAY_SK, AttributeValue.fromS(siteDaySortKey(r)));
        item.put("entity", AttributeValue.fromS("consent"));
        item.put(CONSENT_ID, AttributeValue.fromS(r.consentId()));
        item.put("version", AttributeValue.fromN(Integer.toString(r.version())));
        item.put(SITE_ID, AttributeValue.fromS(r.siteId()));
        item.put("siteGroup", AttributeValue.fromS(r.siteGroup()));
        item.put("preferences", AttributeValue.fromBool(r.categories().preferences()));
        item.put("statistics", AttributeValue.fromBool(r.categories().statistics()));
        item.put("marketing", AttributeValue.fromBool(r.categories().marketing()));
        item.put("method", AttributeValue.fromS(r.method().wire()));
        item.put("bannerVersion", AttributeValue.fromS(r.bannerVersion()));
        item.put("pageUrl", AttributeValue.fromS(r.pageUrl()));
        if (r.tcString() != null) {
            item.put("tcString", AttributeValue.fromS(r.tcString()));
        }
        if (r.ipAnonymized() != null) {
            item.put("ipAnonymized", AttributeValue.fromS(r.ipAnonymized()));
        }
        item.put("gpc", AttributeValue.fromBool(r.gpc()));
        item.put("recordedAt", AttributeValue.fromS(r.recordedAt().toString()));
        item.put("validUntil", AttributeValue.fromS(r.validUntil().toString()));
        // The TTL is the expiry the key signs, and the rule the service decided it by.
        new RetentionStamp(DataCategory.END_USER, r.retentionRule(), r.expiresAt()).onto(item);
        item.put("key", AttributeValue.fromS(r.key()));
        if (r.requestId() != null) {
            item.put("requestId", AttributeValue.fromS(r.requestId()));
            item.put("requestHash", AttributeValue.fromS(r.requestHash()));
        }
        return item;
    }

    public static ConsentRecord fromItem(Map<String, AttributeValue> item) {
        return ConsentRecord.builder()
                .consentId(item.get(CONSENT_ID).s())
                .version(Integer.parseInt(item.get("version").n()))
                .siteId(item.get(SITE_ID).s())
                .siteGroup(item.get("siteGroup").s())
                .categories(new Categories(item.get("preferences").bool(), item.get("statistics").bool(),
                        item.get("marketing").bool()))
                .method(ConsentMethod.fromWire(item.get("method").s()))
                .bannerVersion(item.get("bannerVersion").s())
                .pageUrl(item.get("pageUrl").s())
                .tcString(optional(item, "tcString"))
                .ipAnonymized(optional(item, "ipAnonymized"))
                .gpc(item.get("gpc").bool())
                .recordedAt(Instant.parse(item.get("recordedAt").s()))
                .validUntil(Instant.parse(item.get("validUntil").s()))
                // A legal hold parks the TTL under another name; the record still carries its signed expiry.
                .expiresAt(RetentionPolicy.expiryOf(item)
                        .orElseThrow(() -> new IllegalStateException("consent item without expiry")))
                .retentionRule(optional(item, RetentionPolicy.RULE_ATTRIBUTE))
                .key(item.get("key").s())
                .requestId(optional(item, "requestId"))
                .requestHash(optional(item, "requestHash"))
                .build();
    }

    private static String optional(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
