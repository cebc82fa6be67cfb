package io.privacysuite.notify;

import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Per-address email state, keyed by the address hash ({@code pk = SHA-256 of the lower-cased address}):
 * {@code sk = SUPPRESSED} after a hard bounce or complaint (blocks every mail, transactional included; kept
 * without TTL, since forgetting it would mean mailing the address again), and {@code sk = OPTOUT#<topic>} for a
 * marketing unsubscribe (a consent withdrawal, kept as end-user data under the retention policy).
 * {@code sk = OBJECTION} records an objection to direct marketing (GDPR Art. 21(2)-(3)): it blocks every marketing
 * mail whatever opt-ins exist and has no TTL, since it must always win. {@code sk = RESTRICTED} records a restriction
 * of processing (Art. 18): marketing stops too; transactional mail about the person's own request is still sent.
 * One Query per send answers all of these.
 *
 * <p>The same table holds the notifier's send ledger, one item per notification id ({@code pk = SEND#<id>},
 * {@code sk = SEND}, kept {@link EmailPreferencesTable#LEDGER_DAYS} days, longer than a message can wait in the queue and its DLQ):
 * {@code state} is {@code sending} (claimed by one delivery), {@code sent}, or {@code failed} (a message that can never
 * be sent, with the reason, for operators).
 */
public final class EmailPreferences {
    public static final String ALL_TOPICS = "all";
    /** The subject flags a data subject request records ({@link #flag}). */
    public static final String OBJECTION = EmailPreferencesTable.OBJECTION;
    public static final String RESTRICTED = EmailPreferencesTable.RESTRICTED;

    /** What the ledger says about a notification a delivery wants to send. */
    public enum Claim { CLAIMED, ALREADY_DONE, IN_PROGRESS }

    private final DynamoDbClient dynamo;
    private final String table;
    private final RetentionPolicy retention;

    public EmailPreferences(DynamoDbClient dynamo, String table, RetentionPolicy retention) {
        this.dynamo = dynamo;
        this.table = table;
        this.retention = retention;
    }

    /** What applies to one address right now. */
    public record State(boolean suppressed, List<String> optedOutTopics, boolean objected, boolean restricted) {
        public State(boolean suppressed, List<String> optedOutTopics) {
            this(suppressed, optedOutTopics, false, false);
        }

        public boolean blocks(Notification n) {
            if (suppressed) {
                return true;
            }
            return n.isMarketing() && (objected || restricted || optedOutTopics.contains(ALL_TOPICS)
                    || (n.topic() != null && optedOutTopics.contains(n.topic())));
        }
    }

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

    /** Adds the address to the suppression list; {@code reason} is bounce or complaint, {@code source} who said so. */
    public void suppress(String addressHash, String reason, String source, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(EmailPreferencesTable.suppression(addressHash, reason, source, now)));
    }

    /**
     * Records a subject flag from a data subject request: {@link #OBJECTION} or {@link #RESTRICTED}. Kept without TTL
     * (an objection must always win; a restriction lasts until an operator lifts it), with the request as evidence.
     */
    public void flag(String addressHash, String flag, String requestId, Instant now) {
        if (!OBJECTION.equals(flag) && !RESTRICTED.equals(flag)) {
            throw new IllegalArgumentException("unknown subject flag " + flag);
        }
        dynamo.putItem(r -> r.tableName(table).item(EmailPreferencesTable.subjectFlag(addressHash, flag, requestId, now)));
    }

    /** Every item held about one address (for exports), expired ones left out. */
    public List<Map<String, AttributeValue>> itemsOf(String addressHash, Instant now) {
        return dynamo.query(r -> r.tableName(table).keyConditionExpression(EmailPreferencesTable.PK + " = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(addressHash)))).items().stream()
                .filter(item -> !RetentionPolicy.isExpired(item, now))
                .toList();
    }

    /**
     * Claims the sending of notification {@code id}: one conditional write, so that of two deliveries of the same
     * message only one sends. A claim older than {@code stale} (its delivery crashed before or while sending) may be
     * taken over.
     */
    public Claim claimSend(String id, Instant now, java.time.Duration stale) {
        Map<String, AttributeValue> item = EmailPreferencesTable.ledgerEntry(id, "sending", now);
        item.put(EmailPreferencesTable.CLAIMED_AT, AttributeValue.fromN(Long.toString(now.getEpochSecond())));
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
            return sending ? Claim.IN_PROGRESS : Claim.ALREADY_DONE;
        }
    }

    /** Records that notification {@code id} was handed to SES (or deliberately not sent: {@code state}). */
    public void markSent(String id, String state, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(EmailPreferencesTable.ledgerEntry(id, state, now)));
    }

    /** Gives a claim back after a send that failed, so the retry of the message may send. */
    public void releaseSend(String id) {
        try {
            dynamo.deleteItem(r -> r.tableName(table).key(EmailPreferencesTable.ledgerKey(id)).conditionExpression("#state = :sending")
                    .expressionAttributeNames(Map.of("#state", EmailPreferencesTable.STATE))
                    .expressionAttributeValues(Map.of(":sending", AttributeValue.fromS("sending"))));
        } catch (software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException e) {
            // Already sent or failed by another delivery: leave it.
        }
    }

    /**
     * Records a notification that can never be sent (malformed, unknown template, bad address), once: false when it
     * was recorded (or sent) before. {@code template} and {@code ref} are non-personal; the address is never kept.
     */
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

    /** The notifications recorded as never sendable (for operators), newest first; a Scan, for a rare console action. */
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

    private static void putText(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isBlank()) {
            item.put(name, AttributeValue.fromS(value.length() > 200 ? value.substring(0, 200) : value));
        }
    }

    /** Records a marketing opt-out for {@code topic} (a consent withdrawal) with how it arrived. */
    public void optOut(String addressHash, String topic, String method, Instant now) {
        dynamo.putItem(r -> r.tableName(table).item(EmailPreferencesTable.optOut(addressHash, topic, method, now,
                retention.stampFor(DataCategory.END_USER, now))));
    }
}
