package io.privacysuite.retention;

import static io.privacysuite.core.retention.RetentionPolicy.HELD_TTL_ATTRIBUTE;
import static io.privacysuite.core.retention.RetentionPolicy.RULE_ATTRIBUTE;
import static io.privacysuite.core.retention.RetentionPolicy.TTL_ATTRIBUTE;

import io.privacysuite.consent.ConsentsTable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Changes when an item expires, in place: sets or removes its TTL, parks it while a legal hold applies (DynamoDB
 * cannot pause a TTL, so it is moved to {@code heldExpiresAt}) and moves it back on release. Every change is one
 * conditional UpdateItem, so an item is never left half-changed, and a vanished item is simply skipped.
 */
final class Retimer {
    /** The active-rule expiry saved when a cancellation overrode it; 0 means the active rule has none. */
    static final String NORMAL_TTL_ATTRIBUTE = "normalExpiresAt";
    /** Set on parked consents so a site's held consents can be found without scanning days (sparse index). */
    static final String PARKED_SITE_ATTRIBUTE = "parkedSiteId";

    enum Normal { SAVE, CLEAR, KEEP }

    private final DynamoDbClient dynamo;
    private final Tables tables;

    Retimer(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    /**
     * Gives the item a new expiry (or none), live or parked.
     *
     * @param expiry     the new expiry, or null for "kept while active"
     * @param held       park it instead of arming the TTL
     * @param normal     SAVE when a cancellation overrides the active rule (remember the item's current expiry,
     *                   unless one is remembered already, so a reactivation can restore it); CLEAR on reactivation
     * @return false if the item no longer exists
     */
    boolean retime(StoredItem item, Instant expiry, String rule, boolean held, Normal normal) {
        List<String> set = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>();
        if (expiry == null) {
            remove.add(TTL_ATTRIBUTE);
            remove.add(HELD_TTL_ATTRIBUTE);
            remove.add(PARKED_SITE_ATTRIBUTE);
        } else {
            values.put(":e", AttributeValue.fromN(Long.toString(expiry.getEpochSecond())));
            set.add((held ? HELD_TTL_ATTRIBUTE : TTL_ATTRIBUTE) + " = :e");
            remove.add(held ? TTL_ATTRIBUTE : HELD_TTL_ATTRIBUTE);
            parkedSite(item, held, set, remove, values);
        }
        if (rule != null) {
            set.add(RULE_ATTRIBUTE + " = :r");
            values.put(":r", AttributeValue.fromS(rule));
        }
        if (normal == Normal.SAVE) {
            long current = item.expiry().map(Instant::getEpochSecond).orElse(0L);
            set.add(NORMAL_TTL_ATTRIBUTE + " = if_not_exists(" + NORMAL_TTL_ATTRIBUTE + ", :n)");
            values.put(":n", AttributeValue.fromN(Long.toString(current)));
        } else if (normal == Normal.CLEAR) {
            remove.add(NORMAL_TTL_ATTRIBUTE);
        }
        return update(item, set, remove, values, null);
    }

    /** Parks the item's current TTL; false if it has none or is gone. */
    boolean park(StoredItem item) {
        if (!item.image().containsKey(TTL_ATTRIBUTE)) {
            return false;
        }
        List<String> set = new ArrayList<>(List.of(HELD_TTL_ATTRIBUTE + " = " + TTL_ATTRIBUTE));
        List<String> remove = new ArrayList<>(List.of(TTL_ATTRIBUTE));
        Map<String, AttributeValue> values = new HashMap<>();
        parkedSite(item, true, set, remove, values);
        return update(item, set, remove, values, "attribute_exists(" + TTL_ATTRIBUTE + ")");
    }

    /** Re-arms a parked TTL; false if the item is not parked or gone. */
    boolean unpark(StoredItem item) {
        return update(item, new ArrayList<>(List.of(TTL_ATTRIBUTE + " = " + HELD_TTL_ATTRIBUTE)),
                new ArrayList<>(List.of(HELD_TTL_ATTRIBUTE, PARKED_SITE_ATTRIBUTE)), new HashMap<>(),
                "attribute_exists(" + HELD_TTL_ATTRIBUTE + ")");
    }

    /** Puts an item TTL deleted while a hold covered it back, parked (legal holds preserve). */
    boolean restoreParked(StoredItem item) {
        Map<String, AttributeValue> image = new HashMap<>(item.image());
        AttributeValue ttl = image.remove(TTL_ATTRIBUTE);
        if (ttl != null) {
            image.put(HELD_TTL_ATTRIBUTE, ttl);
        }
        if (item.source() == Source.CONSENTS && image.containsKey(ConsentsTable.SITE_ID)) {
            image.put(PARKED_SITE_ATTRIBUTE, image.get(ConsentsTable.SITE_ID));
        }
        try {
            dynamo.putItem(p -> p.tableName(tables.physical(item.source())).item(image)
                    .conditionExpression("attribute_not_exists(" + item.source().hashKey() + ")"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static void parkedSite(StoredItem item, boolean held, List<String> set, List<String> remove,
                                   Map<String, AttributeValue> values) {
        if (item.source() != Source.CONSENTS || item.text(ConsentsTable.SITE_ID).isEmpty()) {
            return;
        }
        if (held) {
            set.add(PARKED_SITE_ATTRIBUTE + " = :site");
            values.put(":site", AttributeValue.fromS(item.text(ConsentsTable.SITE_ID).get()));
        } else {
            remove.add(PARKED_SITE_ATTRIBUTE);
        }
    }

    private boolean update(StoredItem item, List<String> set, List<String> remove, Map<String, AttributeValue> values,
                           String extraCondition) {
        StringBuilder expression = new StringBuilder();
        if (!set.isEmpty()) {
            expression.append("SET ").append(String.join(", ", set));
        }
        if (!remove.isEmpty()) {
            expression.append(expression.isEmpty() ? "" : " ").append("REMOVE ").append(String.join(", ", remove));
        }
        String condition = "attribute_exists(" + item.source().hashKey() + ")"
                + (extraCondition == null ? "" : " AND " + extraCondition);
        try {
            dynamo.updateItem(u -> u.tableName(tables.physical(item.source())).key(item.key())
                    .updateExpression(expression.toString())
                    .conditionExpression(condition)
                    .expressionAttributeValues(values.isEmpty() ? null : values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
