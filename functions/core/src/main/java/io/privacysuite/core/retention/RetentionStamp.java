package io.privacysuite.core.retention;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a write records about an item's retention: its {@link DataCategory} (absent for the suite's own bookkeeping
 * items: ledgers, leases, counters, suppressions), the rule its expiry came from, and the TTL ({@code null}: kept
 * until an event, such as a cancellation, gives it one). Made by {@link RetentionPolicy#stampFor} from the policy's
 * rules, by {@link #ownRule} for bookkeeping items, or from an expiry a record already carries and signs.
 */
public record RetentionStamp(DataCategory category, String rule, Instant expiresAt) {

    /** A rule of the writing store's own, for items outside the data categories. */
    public static RetentionStamp ownRule(String rule, Instant expiresAt) {
        return new RetentionStamp(null, rule, expiresAt);
    }

    /** Writes the stamp into an item about to be put; a stamp without TTL removes any the map held. */
    public Map<String, AttributeValue> onto(Map<String, AttributeValue> item) {
        if (category != null) {
            item.put(RetentionPolicy.CATEGORY_ATTRIBUTE, AttributeValue.fromS(category.wire()));
        }
        if (rule != null) {
            item.put(RetentionPolicy.RULE_ATTRIBUTE, AttributeValue.fromS(rule));
        }
        if (expiresAt != null) {
            item.put(RetentionPolicy.TTL_ATTRIBUTE, AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
        } else {
            item.remove(RetentionPolicy.TTL_ATTRIBUTE);
        }
        return item;
    }

    /**
     * The stamp as the SET clauses of an UpdateItem, adding their attribute names and values to the maps given. A stamp
     * without TTL leaves the item's TTL as it is: an update of an active account's profile must not undo the expiry a
     * cancellation gave it.
     */
    public String setClauses(Map<String, String> names, Map<String, AttributeValue> values) {
        StringBuilder set = new StringBuilder();
        if (category != null) {
            clause(set, names, values, "#stampCategory", RetentionPolicy.CATEGORY_ATTRIBUTE, ":stampCategory",
                    AttributeValue.fromS(category.wire()));
        }
        if (rule != null) {
            clause(set, names, values, "#stampRule", RetentionPolicy.RULE_ATTRIBUTE, ":stampRule",
                    AttributeValue.fromS(rule));
        }
        if (expiresAt != null) {
            clause(set, names, values, "#stampTtl", RetentionPolicy.TTL_ATTRIBUTE, ":stampTtl",
                    AttributeValue.fromN(Long.toString(expiresAt.getEpochSecond())));
        }
        return set.toString();
    }

    private static void clause(StringBuilder set, Map<String, String> names, Map<String, AttributeValue> values,
                               String name, String attribute, String placeholder, AttributeValue value) {
        set.append(set.isEmpty() ? "" : ", ").append(name).append(" = ").append(placeholder);
        names.put(name, attribute);
        values.put(placeholder, value);
    }
}
