package io.privacysuite.consent;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * PolicyVersionsTable's key formats and attribute names: one partition ({@code pk = POLICY}), one item per version
 * ({@code sk = VERSION#<version>}). Kept without TTL: what people were told, and when, is evidence.
 */
final class PolicyVersionsTable {
    static final String PK = "pk";
    static final String SK = "sk";
    static final String PARTITION = "POLICY";
    private static final String VERSION_PREFIX = "VERSION#";

    private PolicyVersionsTable() {}

    static Map<String, AttributeValue> item(PolicyVersion v) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(PARTITION));
        item.put(SK, AttributeValue.fromS(VERSION_PREFIX + v.version()));
        item.put("version", AttributeValue.fromS(v.version()));
        item.put("summary", AttributeValue.fromS(v.summary()));
        item.put("link", AttributeValue.fromS(v.link()));
        item.put("effectiveAt", AttributeValue.fromS(v.effectiveAt().toString()));
        item.put("material", AttributeValue.fromBool(v.material()));
        item.put("publishedAt", AttributeValue.fromS(v.publishedAt().toString()));
        item.put("publishedBy", AttributeValue.fromS(v.publishedBy()));
        return item;
    }

    static PolicyVersion version(Map<String, AttributeValue> item) {
        return new PolicyVersion(item.get("version").s(), item.get("summary").s(), item.get("link").s(),
                Instant.parse(item.get("effectiveAt").s()), item.get("material").bool(),
                Instant.parse(item.get("publishedAt").s()), item.get("publishedBy").s());
    }
}
