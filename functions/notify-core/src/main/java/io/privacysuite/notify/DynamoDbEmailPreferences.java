package io.privacysuite.notify;

import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Email preferences and the send ledger in EmailPreferencesTable ({@link EmailPreferencesTable}). */
public final class DynamoDbEmailPreferences implements EmailPreferences {

    private final DynamoDbClient dynamo;
    private final String table;
    private final RetentionPolicy retention;

    public DynamoDbEmailPreferences(DynamoDbClient dynamo, String table, RetentionPolicy retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
    }

    @Override
    public State stateOf(String addressHash, Instant now) {
        QueryResponse response = dynamo.query(r -> r.tableName(table)
                .keyConditionExpression(EmailPreferencesTable.PK + " = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(addressHash))));
        boolean suppressed = false;
        boolean objected = false;
        boolean restricted = false;
        List<String> topics = new java.util.ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            if (RetentionPolicy.isExpired(item, now)) {
                continue;
            }
            String sk = item.get(EmailPreferencesTable.SK).s();
            if (EmailPreferencesTable.SUPPRESSED.equals(sk)) {
                suppressed = true;
            } else if (OBJECTION.equals(sk)) {
                objected = true;
            } else if (RESTRICTED.equals(sk)) {
                restricted = true;
            } else if (sk.startsWith(EmailPreferencesTable.OPT_OUT_PREFIX)) {
                topics.add(sk.substring(EmailPreferencesTable.OPT_OUT_PREFIX.length()));
            }
        }
        return new State(suppressed, topics, objected, restricted);
    }

    @Override
    public void suppress(String addressHash, String reason, String source, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(EmailPreferencesTable.suppression(addressHash, reason, source, now)));
    }

    @Override
    public void flag(String addressHash, String flag, String requestId, Instant now) {
        if (!OBJECTION.equals(flag) && !RESTRICTED.equals(flag)) {
            throw new IllegalArgumentException("unknown subject flag " + flag);
        }
        dynamo.putItem(r -> r.tableName(table).item(EmailPreferencesTable.subjectFlag(addressHash, flag, requestId, now)));
    }

    @Override
    public Claim claimSend(String id, Instant now, java.time.Duration stale) {
        Map<String, AttributeValue> item = EmailPreferencesTable.ledgerEntry(id, "sending", now);
        item.put(EmailPreferencesTable.CLAIMED_AT, AttributeValue.fromN(Long.toString(now.getEpochSecond())));
        String token = java.util.UUID.randomUUID().toString();
        item.put(EmailPreferencesTable.CLAIM_TOKEN, AttributeValue.fromS(token));
        try {
            dynamo.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(#pk) OR (#state = :sending AND #claimedAt < :stale)")
                    .expressionAttributeNames(Map.of("#pk", EmailPreferencesTable.PK, "#state", EmailPreferencesTable.STATE,
                            "#claimedAt", EmailPreferencesTable.CLAIMED_AT))
                    .expressionAttributeValues(Map.of(":sending", AttributeValue.fromS("sending"),
                            ":stale", AttributeValue.fromN(Long.toString(now.minus(stale).getEpochSecond())))));
            return Claim.CLAIMED;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            Map<String, AttributeValue> held = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                    .key(EmailPreferencesTable.ledgerKey(id))).item();
            boolean sending = held != null && held.containsKey(EmailPreferencesTable.STATE) && "sending".equals(held.get(EmailPreferencesTable.STATE).s());
            if (sending && held.containsKey(EmailPreferencesTable.CLAIM_TOKEN)
                    && token.equals(held.get(EmailPreferencesTable.CLAIM_TOKEN).s())) {
                // The SDK retried this very put after its answer was lost (a dropped connection): the claim is ours.
                return Claim.CLAIMED;
            }
            return sending ? Claim.IN_PROGRESS : Claim.ALREADY_DONE;
        }
    }

    @Override
    public void markSent(String id, String state, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(EmailPreferencesTable.ledgerEntry(id, state, now)));
    }

    @Override
    public void releaseSend(String id) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(EmailPreferencesTable.ledgerKey(id)).conditionExpression("#state = :sending")
                    .expressionAttributeNames(Map.of("#state", EmailPreferencesTable.STATE))
                    .expressionAttributeValues(Map.of(":sending", AttributeValue.fromS("sending"))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            // Already sent or failed by another delivery: leave it.
        }
    }

    @Override
    public boolean markFailed(String id, String template, String ref, String reason, Instant now) {
        Map<String, AttributeValue> item = EmailPreferencesTable.ledgerEntry(id, "failed", now);
        putText(item, "template", template);
        putText(item, "ref", ref);
        putText(item, "reason", reason);
        try {
            dynamo.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(" + EmailPreferencesTable.PK + ")"));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public List<Map<String, String>> failedSends(Instant now) {
        List<Map<String, String>> out = new java.util.ArrayList<>();
        dynamo.scanPaginator(r -> r.tableName(table).consistentRead(true)
                        .filterExpression("begins_with(" + EmailPreferencesTable.PK + ", :send) AND #state = :failed")
                        .expressionAttributeNames(Map.of("#state", EmailPreferencesTable.STATE))
                        .expressionAttributeValues(Map.of(":send", AttributeValue.fromS(EmailPreferencesTable.SEND_PREFIX),
                                ":failed", AttributeValue.fromS("failed"))))
                .items().stream().filter(item -> !RetentionPolicy.isExpired(item, now)).forEach(item -> {
                    Map<String, String> f = new java.util.LinkedHashMap<>();
                    for (String k : List.of("notificationId", "template", "ref", "reason", "at")) {
                        if (item.containsKey(k)) {
                            f.put(k.equals("notificationId") ? "id" : k, item.get(k).s());
                        }
                    }
                    out.add(f);
                });
        out.sort(java.util.Comparator.comparing((Map<String, String> f) -> f.getOrDefault("at", "")).reversed());
        return out;
    }

    @Override
    public boolean countQueued(String campaign, String page, int count, int skipped, Instant now) {
        Map<String, String> names = new java.util.HashMap<>(Map.of("#queued", QUEUED, "#pages", EmailPreferencesTable.PAGES,
                "#skipped", SKIPPED));
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(":n", AttributeValue.fromN(Integer.toString(count)),
                ":page", AttributeValue.fromSs(List.of(page)), ":pageId", AttributeValue.fromS(page),
                ":skipped", AttributeValue.fromN(Integer.toString(skipped))));
        String stamp = EmailPreferencesTable.campaignStamp(now).setClauses(names, values);
        try {
            dynamo.updateItem(r -> r.tableName(table).key(EmailPreferencesTable.campaignKey(campaign))
                    .updateExpression("ADD #queued :n, #skipped :skipped, #pages :page SET " + stamp)
                    .conditionExpression("attribute_not_exists(#pages) OR NOT contains(#pages, :pageId)")
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean pageCounted(String campaign, String page) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(EmailPreferencesTable.campaignKey(campaign))
                .projectionExpression("#pages").expressionAttributeNames(Map.of("#pages", EmailPreferencesTable.PAGES)))
                .item();
        AttributeValue pages = item == null ? null : item.get(EmailPreferencesTable.PAGES);
        return pages != null && pages.hasSs() && pages.ss().contains(page);
    }

    @Override
    public void countOutcome(String campaign, String outcome, Instant now) {
        if (!List.of(SENT, SUPPRESSED_OUTCOME, FAILED).contains(outcome)) {
            throw new IllegalArgumentException("unknown outcome " + outcome);
        }
        Map<String, String> names = new java.util.HashMap<>(Map.of("#outcome", outcome));
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(":one", AttributeValue.fromN("1")));
        String stamp = EmailPreferencesTable.campaignStamp(now).setClauses(names, values);
        dynamo.updateItem(r -> r.tableName(table).key(EmailPreferencesTable.campaignKey(campaign))
                .updateExpression("ADD #outcome :one SET " + stamp)
                .expressionAttributeNames(names).expressionAttributeValues(values));
    }

    @Override
    public Map<String, Long> campaignProgress(String campaign) {
        Map<String, AttributeValue> item = dynamo.getItem(r -> r.tableName(table).consistentRead(true)
                .key(EmailPreferencesTable.campaignKey(campaign))).item();
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String counter : List.of(QUEUED, SENT, SUPPRESSED_OUTCOME, FAILED, SKIPPED)) {
            AttributeValue v = item == null ? null : item.get(counter);
            out.put(counter, v == null || v.n() == null ? 0L : Long.parseLong(v.n()));
        }
        return out;
    }

    private static void putText(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isBlank()) {
            item.put(name, AttributeValue.fromS(value.length() > 200 ? value.substring(0, 200) : value));
        }
    }

    @Override
    public void optOut(String addressHash, String topic, String method, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(EmailPreferencesTable.optOut(addressHash, topic, method, now,
                retention.stampFor(DataCategory.END_USER, now))));
    }

    @Override
    public void optIn(String addressHash, String topic, String method, Instant now) {
        // One transaction: the opt-out ends and the opt-in is recorded together, never one without the other.
        Map<String, AttributeValue> item = EmailPreferencesTable.optIn(addressHash, topic, method, now,
                retention.stampFor(DataCategory.END_USER, now));
        dynamo.transactWriteItems(r -> r.transactItems(
                t -> t.delete(d -> d.tableName(table)
                        .key(EmailPreferencesTable.key(addressHash, EmailPreferencesTable.OPT_OUT_PREFIX + topic))),
                t -> t.put(p -> p.tableName(table).item(item))));
    }
}
