package io.privacysuite.retention;

import io.privacysuite.core.accounts.AccountsTable;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.HoldIndex;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Applies account lifecycle events from the company's systems. Events carry the time they happened; each account
 * remembers the time of the last one applied, so a late or repeated message never undoes a newer one (SQS does
 * not keep order). Every step is idempotent, so a redelivered message finishes what a failed attempt began.
 */
public final class AccountLifecycle {
    private final DynamoDbClient dynamo;
    private final RetentionEngine engine;
    private final AccountStore accounts;

    public AccountLifecycle(DynamoDbClient dynamo, RetentionEngine engine, AccountStore accounts) {
        this.dynamo = dynamo;
        this.engine = engine;
        this.accounts = accounts;
    }

    public enum Applied { APPLIED, STALE, TOO_LATE }

    /** What a cancellation did, per category; {@code parked} counts items a legal hold kept. */
    public record Cancellation(Applied applied, Instant accountErasureAt, Map<DataCategory, Integer> erased,
                               int parked, int accountItemsRetimed) {}

    public record Reactivation(Applied applied, int restored) {}

    /**
     * Cancellation: configuration, system and end-user data of the account erased now (each with a receipt);
     * account data kept until the fiscal-year rule's date. Under a legal hold nothing is erased: the same expiries
     * are parked, and take effect when the hold is lifted.
     */
    public Cancellation cancel(String accountId, Instant cancelledAt, Instant now) {
        AccountStore.requireId(accountId);
        RetentionPolicy policy = engine.policy();
        Instant accountExpiry = policy.expiryAtCancellation(DataCategory.ACCOUNT, cancelledAt);
        HoldIndex index = engine.holds().activeIndex();
        boolean accountHeld = index.coversAccount(accountId);
        if (!markProfile(accountId, cancelledAt, accountExpiry, accountHeld, policy)) {
            return new Cancellation(Applied.STALE, accountExpiry, Map.of(), 0, 0);
        }
        Ownership ownership = engine.ownership();
        List<Eraser.Erasure> erasures = new ArrayList<>();
        Map<DataCategory, Integer> erasedByCategory = new HashMap<>();
        int parked = 0;
        int retimed = 0;
        // Long-parked consents exist only where holds are (or were); skip that scan otherwise.
        for (StoredItem item : engine.finder().ofAccount(accountId, now, !index.isEmpty())) {
            DataCategory category = item.category();
            if (ItemFinder.isProfile(item)) {
                continue; // done by markProfile, atomically with the status change
            }
            boolean held = ownership.isHeld(index, item);
            if (category == DataCategory.ACCOUNT) {
                retimed += engine.retimer().retime(item, accountExpiry, policy.cancellationRuleName(category), held,
                        Retimer.Normal.SAVE) ? 1 : 0;
            } else if (held) {
                parked += engine.retimer().retime(item, cancelledAt, policy.cancellationRuleName(category), true,
                        Retimer.Normal.SAVE) ? 1 : 0;
            } else {
                erasures.add(new Eraser.Erasure(item, policy.cancellationRuleName(category), cancelledAt,
                        Cause.CANCELLATION, null));
                erasedByCategory.merge(category, 1, Integer::sum);
            }
        }
        // Counts are what was planned: items gone meanwhile (TTL, or an earlier attempt of this message) included.
        engine.eraser().erase(erasures, now);
        return new Cancellation(Applied.APPLIED, accountExpiry, erasedByCategory, parked + (accountHeld ? 1 : 0),
                retimed + 1);
    }

    /**
     * Reactivation before the account's data is erased: the profile is active again with no expiry, and every
     * item whose expiry the cancellation overrode (account data, and what a hold kept from erasure) gets its
     * active rule's expiry back. Erased items stay erased.
     */
    public Reactivation reactivate(String accountId, Instant at, Instant now) {
        AccountStore.requireId(accountId);
        RetentionPolicy policy = engine.policy();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":t", AttributeValue.fromS(at.toString()));
        values.put(":now", AttributeValue.fromN(Long.toString(now.getEpochSecond())));
        values.put(":active", AttributeValue.fromS("active"));
        values.put(":rule", AttributeValue.fromS(policy.ruleName(DataCategory.ACCOUNT)));
        try {
            dynamo.updateItem(u -> u.tableName(engine.tables().accounts())
                    .key(AccountsTable.key(accountId, AccountsTable.PROFILE_SK))
                    .updateExpression("SET #status = :active, lifecycleAt = :t, #rule = :rule "
                            + "REMOVE cancelledAt, #ttl, #held, #normal")
                    .conditionExpression("attribute_exists(#pk) AND (attribute_not_exists(lifecycleAt) OR lifecycleAt <= :t)"
                            + " AND (attribute_not_exists(#ttl) OR #ttl > :now)"
                            + " AND (attribute_not_exists(#held) OR #held > :now)")
                    .expressionAttributeNames(Map.of("#status", "status", "#pk", AccountsTable.PK,
                            "#rule", RetentionPolicy.RULE_ATTRIBUTE, "#ttl", RetentionPolicy.TTL_ATTRIBUTE,
                            "#held", RetentionPolicy.HELD_TTL_ATTRIBUTE, "#normal", Retimer.NORMAL_TTL_ATTRIBUTE))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            return new Reactivation(accounts.find(accountId, now).isPresent() ? Applied.STALE : Applied.TOO_LATE, 0);
        }
        HoldIndex index = engine.holds().activeIndex();
        Ownership ownership = engine.ownership();
        int restored = 0;
        for (StoredItem item : engine.finder().ofAccount(accountId, now)) {
            AttributeValue normal = item.image().get(Retimer.NORMAL_TTL_ATTRIBUTE);
            if (normal == null || ItemFinder.isProfile(item)) {
                continue;
            }
            long epoch = Long.parseLong(normal.n());
            Instant expiry = epoch == 0 ? null : Instant.ofEpochSecond(epoch);
            restored += engine.retimer().retime(item, expiry, policy.ruleName(item.category()),
                    ownership.isHeld(index, item), Retimer.Normal.CLEAR) ? 1 : 0;
        }
        return new Reactivation(Applied.APPLIED, restored);
    }

    /** Status, cancellation time and the account data's expiry in one conditional update of the profile. */
    private boolean markProfile(String accountId, Instant cancelledAt, Instant expiry, boolean held,
                                RetentionPolicy policy) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":t", AttributeValue.fromS(cancelledAt.toString()));
        values.put(":cancelled", AttributeValue.fromS("cancelled"));
        values.put(":e", AttributeValue.fromN(Long.toString(expiry.getEpochSecond())));
        values.put(":rule", AttributeValue.fromS(policy.cancellationRuleName(DataCategory.ACCOUNT)));
        values.put(":cat", AttributeValue.fromS(DataCategory.ACCOUNT.wire()));
        values.put(":id", AttributeValue.fromS(accountId));
        values.put(":none", AttributeValue.fromN("0"));
        // A hold parks the account data's expiry instead of arming the TTL.
        String ttl = held ? RetentionPolicy.HELD_TTL_ATTRIBUTE : RetentionPolicy.TTL_ATTRIBUTE;
        String other = held ? RetentionPolicy.TTL_ATTRIBUTE : RetentionPolicy.HELD_TTL_ATTRIBUTE;
        try {
            dynamo.updateItem(u -> u.tableName(engine.tables().accounts())
                    .key(AccountsTable.key(accountId, AccountsTable.PROFILE_SK))
                    .updateExpression("SET #status = :cancelled, cancelledAt = :t, lifecycleAt = :t, #ttl = :e, "
                            + "#rule = :rule, #category = :cat, #account = :id, "
                            + "#normal = if_not_exists(#normal, :none) REMOVE #other")
                    // A profile that does not exist yet is created cancelled: its sites and consents still go.
                    .conditionExpression("attribute_not_exists(lifecycleAt) OR lifecycleAt <= :t")
                    .expressionAttributeNames(Map.of("#status", "status", "#ttl", ttl, "#other", other,
                            "#rule", RetentionPolicy.RULE_ATTRIBUTE, "#category", RetentionPolicy.CATEGORY_ATTRIBUTE,
                            "#account", AccountsTable.ACCOUNT_ID, "#normal", Retimer.NORMAL_TTL_ATTRIBUTE))
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
