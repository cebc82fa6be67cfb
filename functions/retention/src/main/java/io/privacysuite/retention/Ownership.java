package io.privacysuite.retention;

import io.privacysuite.consent.SitesTable;
import io.privacysuite.core.retention.HoldIndex;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Which account an item belongs to. Account and site items say so themselves; a consent names its site, whose
 * registry entry names the account. One instance per batch: site lookups are cached for its duration only.
 */
final class Ownership {
    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final Map<String, Optional<String>> accountOfSite = new HashMap<>();

    Ownership(DynamoDbClient dynamo, Tables tables) {
        this.dynamo = dynamo;
        this.tables = tables;
    }

    Optional<String> accountOf(StoredItem item) {
        Optional<String> own = item.ownAccountId();
        if (own.isPresent() || item.source() != Source.CONSENTS) {
            return own;
        }
        return item.text(SitesTable.SITE_ID).flatMap(this::accountOfSite);
    }

    Optional<String> accountOfSite(String siteId) {
        return accountOfSite.computeIfAbsent(siteId, id -> {
            Map<String, AttributeValue> site = dynamo.getItem(g -> g.tableName(tables.sites()).consistentRead(true)
                    .key(SitesTable.key(id))
                    .projectionExpression(SitesTable.ACCOUNT_ID)).item();
            return site == null || !site.containsKey(SitesTable.ACCOUNT_ID) ? Optional.empty()
                    : Optional.of(site.get(SitesTable.ACCOUNT_ID).s());
        });
    }

    /** Whether a hold in the index covers the item; resolves the account only when account holds exist. */
    boolean isHeld(HoldIndex holds, StoredItem item) {
        if (holds.isEmpty()) {
            return false;
        }
        String account = holds.hasAccountHolds() ? accountOf(item).orElse(null) : null;
        return holds.coversAny(account, item.subjectId().stream().toList());
    }
}
