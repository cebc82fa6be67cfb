package io.privacysuite.retention;

import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.SitesTable;
import io.privacysuite.core.accounts.AccountsTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A table holding personal data that the engine erases, with its key schema. */
public enum Source {
    CONSENTS("consents", List.of(ConsentsTable.PK, ConsentsTable.SK)),
    SITES("sites", List.of(SitesTable.SITE_ID)),
    ACCOUNTS("accounts", List.of(AccountsTable.PK, AccountsTable.SK));

    private final String logicalName;
    private final List<String> keyAttributes;

    Source(String logicalName, List<String> keyAttributes) {
        this.logicalName = logicalName;
        this.keyAttributes = keyAttributes;
    }

    /** The name receipts record: stable across stages and deployments, unlike the physical table name. */
    public String logicalName() {
        return logicalName;
    }

    public List<String> keyAttributes() {
        return keyAttributes;
    }

    public Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        for (String name : keyAttributes) {
            AttributeValue value = item.get(name);
            if (value == null) {
                throw new IllegalArgumentException(logicalName + " item lacks key attribute " + name);
            }
            key.put(name, value);
        }
        return key;
    }

    /** The key as one string, e.g. {@code pk=CONSENT#x|sk=V#000001}; input to hashing and de-duplication. */
    public String canonicalKey(Map<String, AttributeValue> item) {
        StringBuilder sb = new StringBuilder();
        for (String name : keyAttributes) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            sb.append(name).append('=').append(item.get(name).s());
        }
        return sb.toString();
    }

    /** The first key attribute, for {@code attribute_exists} conditions. */
    public String hashKey() {
        return keyAttributes.get(0);
    }
}
