package io.privacysuite.core.retention;

import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A legal hold: while active, nothing in its scope is erased (by TTL, sweeper or cancellation). Who placed and
 * lifted it, when and why are kept for the audit trail; a released hold stays on record.
 */
public record LegalHold(
        String holdId,
        Scope scope,
        String scopeId,
        String reason,
        String placedBy,
        Instant placedAt,
        String releasedBy,
        Instant releasedAt,
        String releaseReason) {

    /** What a hold covers: a customer account (all its data), or one data subject (a consent's versions). */
    public enum Scope {
        ACCOUNT, SUBJECT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Scope fromWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    public boolean isActive() {
        return releasedAt == null;
    }

    public String partitionKey() {
        return partitionKey(scope, scopeId);
    }

    public static String partitionKey(Scope scope, String scopeId) {
        return scope.wire() + "#" + scopeId;
    }

    Map<String, AttributeValue> toItem() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS(partitionKey()));
        item.put("holdId", AttributeValue.fromS(holdId));
        item.put("scope", AttributeValue.fromS(scope.wire()));
        item.put("scopeId", AttributeValue.fromS(scopeId));
        item.put("status", AttributeValue.fromS(isActive() ? "active" : "released"));
        item.put("reason", AttributeValue.fromS(reason));
        item.put("placedBy", AttributeValue.fromS(placedBy));
        item.put("placedAt", AttributeValue.fromS(placedAt.toString()));
        if (releasedAt != null) {
            item.put("releasedBy", AttributeValue.fromS(releasedBy));
            item.put("releasedAt", AttributeValue.fromS(releasedAt.toString()));
            item.put("releaseReason", AttributeValue.fromS(releaseReason));
        }
        return item;
    }

    static LegalHold fromItem(Map<String, AttributeValue> item) {
        return new LegalHold(item.get("holdId").s(), Scope.fromWire(item.get("scope").s()), item.get("scopeId").s(),
                item.get("reason").s(), item.get("placedBy").s(), Instant.parse(item.get("placedAt").s()),
                item.containsKey("releasedBy") ? item.get("releasedBy").s() : null,
                item.containsKey("releasedAt") ? Instant.parse(item.get("releasedAt").s()) : null,
                item.containsKey("releaseReason") ? item.get("releaseReason").s() : null);
    }
}
