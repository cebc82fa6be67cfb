package io.privacysuite.retention;

import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.SiteDayIndex;
import io.privacysuite.consent.SitesTable;
import io.privacysuite.core.accounts.AccountsTable;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Finds the items that belong to an account, a site or a data subject, in an order safe to erase in: dependants
 * before what they depend on, so an interrupted run that is retried still finds everything left.
 */
final class ItemFinder {

    private final DynamoDbClient dynamo;
    private final Tables tables;
    private final RetentionPolicy policy;

    ItemFinder(DynamoDbClient dynamo, Tables tables, RetentionPolicy policy) {
        this.dynamo = dynamo;
        this.tables = tables;
        this.policy = policy;
    }

    /** Everything of the account: its sites' consents, its sites, its own items (profile last). */
    List<StoredItem> ofAccount(String accountId, Instant now) {
        return ofAccount(accountId, now, true);
    }

    /** As {@link #ofAccount(String, Instant)}; {@code withParked = false} skips the scan for long-parked consents. */
    List<StoredItem> ofAccount(String accountId, Instant now, boolean withParked) {
        List<StoredItem> items = new ArrayList<>();
        List<StoredItem> sites = sitesOf(accountId);
        Map<String, StoredItem> consents = new LinkedHashMap<>();
        for (StoredItem site : sites) {
            consentsOfSite(site.text(SitesTable.SITE_ID).orElseThrow(), now).forEach(c -> consents.put(c.canonicalKey(), c));
        }
        if (withParked) {
            parkedConsentsOf(sites.stream().map(s -> s.text(SitesTable.SITE_ID).orElseThrow()).toList())
                    .forEach(c -> consents.put(c.canonicalKey(), c));
        }
        items.addAll(consents.values());
        items.addAll(sites);
        List<StoredItem> own = accountItems(accountId);
        own.stream().filter(i -> !isProfile(i)).forEach(items::add);
        own.stream().filter(ItemFinder::isProfile).forEach(items::add);
        return items;
    }

    static boolean isProfile(StoredItem item) {
        return item.source() == Source.ACCOUNTS && item.text(AccountsTable.SK).map(AccountsTable.PROFILE_SK::equals).orElse(false);
    }

    List<StoredItem> accountItems(String accountId) {
        return query(Source.ACCOUNTS, QueryRequest.builder().tableName(tables.accounts()).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", AccountsTable.PK))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(AccountsTable.pk(accountId)))));
    }

    List<StoredItem> sitesOf(String accountId) {
        return query(Source.SITES, QueryRequest.builder().tableName(tables.sites()).indexName(SitesTable.BY_ACCOUNT_INDEX)
                .keyConditionExpression("#account = :a")
                .expressionAttributeNames(Map.of("#account", SitesTable.ACCOUNT_ID))
                .expressionAttributeValues(Map.of(":a", AttributeValue.fromS(accountId))));
    }

    /** Versions (and any other items) of one consent, oldest first. */
    List<StoredItem> ofSubject(String consentId) {
        return query(Source.CONSENTS, QueryRequest.builder().tableName(tables.consents()).consistentRead(true)
                .keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", ConsentsTable.PK))
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(ConsentsTable.pk(consentId)))));
    }

    /**
     * A site's live consents and those lingering past expiry, day by day through the sharded site-day index over the
     * longest time one can live (end-user period plus the sweeper's grace). The index holds keys only: the items are
     * read current (consistent), which is also what erasures decide on. Older unparked ones are the sweeper's; parked
     * ones of any age are found by {@link #parkedConsentsOf}.
     */
    List<StoredItem> consentsOfSite(String siteId, Instant now) {
        SiteDayIndex index = new SiteDayIndex(dynamo, tables.consents(), tables.consentShards());
        Map<String, Map<String, AttributeValue>> keys = new LinkedHashMap<>();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = LocalDate.ofInstant(now.minus(policy.sweeperGrace()), ZoneOffset.UTC)
                .minusMonths(policy.endUserMonths()).minusDays(1);
        for (LocalDate day = first; !day.isAfter(today.plusDays(1)); day = day.plusDays(1)) {
            String after = null;
            do {
                SiteDayIndex.KeyPage page = index.page(siteId, day, after, 1000);
                page.keys().forEach(k -> {
                    Map<String, AttributeValue> key = Map.of(ConsentsTable.PK, k.get(ConsentsTable.PK),
                            ConsentsTable.SK, k.get(ConsentsTable.SK));
                    keys.put(Source.CONSENTS.canonicalKey(key), key);
                });
                after = page.after();
            } while (after != null);
        }
        return current(Source.CONSENTS, new ArrayList<>(keys.values()));
    }

    /**
     * Consents a legal hold parked, however old, of the given sites. A filtered Scan, not a sparse index: DynamoDB
     * Local 2.6.1 stops TTL-deleting anything in a table with a sparse GSI (an item lacking the index key stalls
     * its TTL worker), and holds, their release and cancellations under hold are rare operator actions.
     */
    List<StoredItem> parkedConsentsOf(List<String> siteIds) {
        if (siteIds.isEmpty()) {
            return List.of();
        }
        List<StoredItem> items = new ArrayList<>();
        Map<String, AttributeValue> values = new HashMap<>();
        List<String> placeholders = new ArrayList<>();
        for (int i = 0; i < siteIds.size(); i++) {
            values.put(":s" + i, AttributeValue.fromS(siteIds.get(i)));
            placeholders.add(":s" + i);
        }
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> exclusive = start;
            var page = dynamo.scan(s -> s.tableName(tables.consents()).consistentRead(true)
                    .filterExpression(Retimer.PARKED_SITE_ATTRIBUTE + " IN (" + String.join(", ", placeholders) + ")")
                    .expressionAttributeValues(values).exclusiveStartKey(exclusive));
            page.items().forEach(item -> items.add(new StoredItem(Source.CONSENTS, new HashMap<>(item))));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    /** Current images of the given keys (index reads are eventually consistent; erasures decide on these). */
    List<StoredItem> current(Source source, List<Map<String, AttributeValue>> keys) {
        List<StoredItem> items = new ArrayList<>();
        String table = tables.physical(source);
        for (int from = 0; from < keys.size(); from += 100) {
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + 100))).consistentRead(true).build());
            int attempt = 0;
            while (!pending.isEmpty()) {
                Map<String, KeysAndAttributes> request = pending;
                var response = dynamo.batchGetItem(b -> b.requestItems(request));
                response.responses().getOrDefault(table, List.of())
                        .forEach(item -> items.add(new StoredItem(source, item)));
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
                if (!pending.isEmpty()) {
                    Backoff.sleep(++attempt);
                }
            }
        }
        return items;
    }

    private List<StoredItem> query(Source source, QueryRequest.Builder request) {
        List<StoredItem> items = new ArrayList<>();
        queryEach(request, item -> items.add(new StoredItem(source, item)));
        return items;
    }

    private void queryEach(QueryRequest.Builder request, Consumer<Map<String, AttributeValue>> each) {
        Map<String, AttributeValue> start = null;
        do {
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(request.build());
            page.items().forEach(item -> each.accept(new HashMap<>(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }
}
