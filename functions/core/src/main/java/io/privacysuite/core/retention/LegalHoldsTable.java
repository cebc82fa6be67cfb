package io.privacysuite.core.retention;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * LegalHoldsTable's key format and attribute names: {@code pk = <scope>#<scopeId>} (account or subject), {@code holdId}
 * as sort key, {@code status} active or released. A released hold stays on record. Holds are audit records, kept
 * without TTL.
 */
public final class LegalHoldsTable {
    public static final String PK = "pk";
    public static final String HOLD_ID = "holdId";
    public static final String STATUS = "status";
    public static final String ACTIVE = "active";
    public static final String RELEASED = "released";

    private LegalHoldsTable() {}

    public static String pk(LegalHold.Scope scope, String scopeId) {
        return scope.wire() + "#" + scopeId;
    }

    public static Map<String, AttributeValue> key(LegalHold hold) {
        return Map.of(PK, AttributeValue.fromS(hold.partitionKey()), HOLD_ID, AttributeValue.fromS(hold.holdId()));
    }

    static Map<String, AttributeValue> toItem(LegalHold hold) {
        Map<String, AttributeValue> item = new HashMap<>(key(hold));
        item.put("scope", AttributeValue.fromS(hold.scope().wire()));
        item.put("scopeId", AttributeValue.fromS(hold.scopeId()));
        item.put(STATUS, AttributeValue.fromS(hold.isActive() ? ACTIVE : RELEASED));
        item.put("reason", AttributeValue.fromS(hold.reason()));
        item.put("placedBy", AttributeValue.fromS(hold.placedBy()));
        item.put("placedAt", AttributeValue.fromS(hold.placedAt().toString()));
        if (hold.releasedAt() != null) {
            item.put("releasedBy", AttributeValue.fromS(hold.releasedBy()));
            item.put("releasedAt", AttributeValue.fromS(hold.releasedAt().toString()));
            item.put("releaseReason", AttributeValue.fromS(hold.releaseReason()));
        }
        return item;
    }

    static LegalHold fromItem(Map<String, AttributeValue> item) {
        return new LegalHold(item.get(HOLD_ID).s(), LegalHold.Scope.fromWire(item.get("scope").s()),
                item.get("scopeId").s(), item.get("reason").s(), item.get("placedBy").s(),
                Instant.parse(item.get("placedAt").s()),
                item.containsKey("releasedBy") ? item.get("releasedBy").s() : null,
                item.containsKey("releasedAt") ? Instant.parse(item.get("releasedAt").s()) : null,
                item.containsKey("releaseReason") ? item.get("releaseReason").s() : null);
    }
}
