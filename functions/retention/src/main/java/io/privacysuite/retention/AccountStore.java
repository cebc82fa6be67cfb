package io.privacysuite.retention;

import io.privacysuite.core.accounts.AccountsTable;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.EmailAddresses;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Account data in AccountsTable ({@link AccountsTable}): the profile (name, status, the billing card's last four
 * digits only, an optional contact address for notices), invoices and system-generated data. Every write is stamped by the {@link RetentionPolicy}.
 */
public final class AccountStore {
    static final Pattern LAST4 = Pattern.compile("[0-9]{4}");

    private final DynamoDbClient dynamo;
    private final String table;
    private final RetentionPolicy policy;

    public AccountStore(DynamoDbClient dynamo, String table, RetentionPolicy policy) {
        this.dynamo = dynamo;
        this.table = table;
        this.policy = policy;
    }

    public record Account(String accountId, String name, String status, String billingLast4, Instant cancelledAt,
                          Instant expiresAt) {}

    /**
     * Creates or updates an active account's profile. Refuses anything but exactly four digits as card data:
     * the full number must never reach storage. {@code email} (optional, kept when null) is the contact address
     * notices go to: one the notifier can send to, stored in its canonical form, erased with the profile.
     */
    public void upsertProfile(String accountId, String name, String billingLast4, String email, Instant at) {
        requireId(accountId);
        if (billingLast4 != null && !LAST4.matcher(billingLast4).matches()) {
            throw new IllegalArgumentException("billingLast4 must be exactly the last four digits of the card");
        }
        String contact = null;
        if (email != null) {
            contact = EmailAddresses.canonical(email).orElseThrow(
                    () -> new IllegalArgumentException("email must be an address the notifier can send to"));
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":name", AttributeValue.fromS(name == null || name.isBlank() ? accountId : name));
        values.put(":active", AttributeValue.fromS("active"));
        values.put(":at", AttributeValue.fromS(at.toString()));
        values.put(":id", AttributeValue.fromS(accountId));
        Map<String, String> names = new HashMap<>(Map.of("#name", "name", "#status", "status"));
        // The account's rule, no TTL while active: an update never undoes the expiry a cancellation set.
        String stamp = policy.stampFor(DataCategory.ACCOUNT, at).setClauses(names, values);
        String set = "SET #name = :name, " + AccountsTable.ACCOUNT_ID + " = :id, " + stamp + ", updatedAt = :at, "
                + "createdAt = if_not_exists(createdAt, :at), #status = if_not_exists(#status, :active)";
        if (billingLast4 != null) {
            values.put(":last4", AttributeValue.fromS(billingLast4));
            set += ", billingLast4 = :last4";
        }
        if (contact != null) {
            values.put(":email", AttributeValue.fromS(contact));
            names.put("#email", AccountsTable.EMAIL);
            set += ", #email = :email";
        }
        String expression = set;
        dynamo.updateItem(u -> u.tableName(table).key(AccountsTable.key(accountId, AccountsTable.PROFILE_SK))
                .updateExpression(expression)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values));
    }

    /** Adds another item of the account (an invoice, a system record), stamped with its category's rule. */
    public void putItem(String accountId, String sk, DataCategory category, Map<String, AttributeValue> attributes,
                        Instant at) {
        requireId(accountId);
        if (category != DataCategory.ACCOUNT && category != DataCategory.SYSTEM) {
            throw new IllegalArgumentException("accounts hold account and system data only");
        }
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.putAll(AccountsTable.key(accountId, sk));
        item.put(AccountsTable.ACCOUNT_ID, AttributeValue.fromS(accountId));
        item.put("writtenAt", AttributeValue.fromS(at.toString()));
        policy.stamp(item, category, at);
        dynamo.putItem(p -> p.tableName(table).item(item));
    }

    /** The profile as readers may see it: absent once past its expiry, even before TTL removes it. */
    public Optional<Account> find(String accountId, Instant now) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                .key(AccountsTable.key(accountId, AccountsTable.PROFILE_SK))).item();
        if (item == null || item.isEmpty() || RetentionPolicy.isExpired(item, now)) {
            return Optional.empty();
        }
        return Optional.of(new Account(accountId, text(item, "name"), text(item, "status"), text(item, "billingLast4"),
                item.containsKey("cancelledAt") ? Instant.parse(item.get("cancelledAt").s()) : null,
                RetentionPolicy.expiryOf(item).orElse(null)));
    }

    static void requireId(String accountId) {
        if (!AccountsTable.isAccountId(accountId)) {
            throw new IllegalArgumentException("accountId must be 1-64 letters, digits, dot, dash or underscore");
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }
}
