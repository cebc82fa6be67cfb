package io.privacysuite.consent;

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
 * {@code sk = V#<version, six digits>}, so a Query returns a consent's history in order; the {@code bySiteDay} index
 * ({@code gsi1pk = <siteId>#<yyyy-MM-dd>}, {@code gsi1sk = <recordedAt>#<id>#<sk>}) serves date-range exports without a
 * hot partition per site. Items carry the retention stamp of the record they hold: end-user data, with the expiry the
 * record signs.
 */
public final class ConsentsTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String SITE_DAY_INDEX = "bySiteDay";
    public static final String SITE_DAY_PK = "gsi1pk";
    public static final String SITE_DAY_SK = "gsi1sk";
    public static final String CONSENT_ID = "consentId";
    public static final String SITE_ID = "siteId";
    /** Attributes that only serve the table's keys and indexes: not part of what the suite holds about a person. */
    public static final List<String> KEY_PLUMBING = List.of(PK, SITE_DAY_PK, SITE_DAY_SK);
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

    /** The {@code bySiteDay} partition of a site's records on one UTC day. */
    public static String siteDay(String siteId, LocalDate day) {
        return siteId + "#" + day;
    }

    public static Map<String, AttributeValue> toItem(ConsentRecord r) {
        Map<String, AttributeValue> item = new HashMap<>(key(r.consentId(), r.version()));
        item.put(SITE_DAY_PK, AttributeValue.fromS(siteDay(r.siteId(), LocalDate.ofInstant(r.recordedAt(), ZoneOffset.UTC))));
        item.put(SITE_DAY_SK, AttributeValue.fromS(r.recordedAt() + "#" + r.consentId() + "#" + sk(r.version())));
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
