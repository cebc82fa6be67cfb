package io.privacysuite.incidents;

import io.privacysuite.core.accounts.AccountsTable;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Reads contact addresses from AccountsTable (owned by the account lifecycle; this only reads profiles, projecting
 * the address and the retention expiry). A profile past its expiry counts as erased even before TTL removes it.
 */
public final class DynamoDbAccountContacts implements AccountContacts {
    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoDbAccountContacts(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public List<String> of(List<String> accountIds) {
        List<String> out = new ArrayList<>();
        for (String id : accountIds) {
            Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table).consistentRead(true)
                    .key(AccountsTable.key(id, AccountsTable.PROFILE_SK)).projectionExpression("#email, #ttl")
                    .expressionAttributeNames(names())).item();
            out.add(item == null ? null : email(item));
        }
        return out;
    }

    @Override
    public Scan all(String after, int max) {
        List<String> emails = new ArrayList<>();
        int without = 0;
        String last = after;
        Map<String, AttributeValue> start = after == null ? null : AccountsTable.key(after, AccountsTable.PROFILE_SK);
        Map<String, String> names = names();
        names.put("#pk", AccountsTable.PK);
        names.put("#sk", AccountsTable.SK);
        while (true) {
            Map<String, AttributeValue> from = start;
            ScanResponse page = dynamo.scan(s -> s.tableName(table).exclusiveStartKey(from)
                    .filterExpression("#sk = :profile").projectionExpression("#pk, #sk, #email, #ttl")
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(Map.of(":profile", AttributeValue.fromS(AccountsTable.PROFILE_SK)))
                    .limit(max));
            for (Map<String, AttributeValue> item : page.items()) {
                String email = email(item);
                if (email == null) {
                    without++;
                } else {
                    emails.add(email);
                }
                last = AccountsTable.accountIdOf(item.get(AccountsTable.PK).s());
                if (emails.size() + without >= max) {
                    // Resumes after this profile (a key of the table, so a valid scan start), even mid-page.
                    boolean end = !page.hasLastEvaluatedKey() && item == page.items().get(page.items().size() - 1);
                    return new Scan(emails, without, last, end);
                }
            }
            if (!page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty()) {
                return new Scan(emails, without, last, true);
            }
            start = page.lastEvaluatedKey();
        }
    }

    private static Map<String, String> names() {
        return new HashMap<>(Map.of("#email", AccountsTable.EMAIL, "#ttl", RetentionPolicy.TTL_ATTRIBUTE));
    }

    private String email(Map<String, AttributeValue> item) {
        if (item.isEmpty() || RetentionPolicy.isExpired(item, clock.instant())) {
            return null;
        }
        AttributeValue email = item.get(AccountsTable.EMAIL);
        return email == null ? null : email.s();
    }
}
