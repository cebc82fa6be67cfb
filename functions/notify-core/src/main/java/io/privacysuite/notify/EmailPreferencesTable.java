package io.privacysuite.notify;

import io.privacysuite.core.retention.RetentionStamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * EmailPreferencesTable's key formats and attribute names. Per address ({@code pk} = SHA-256 of the address):
 * {@code sk = SUPPRESSED} (hard bounce or complaint), {@code OPTOUT#<topic>} (a marketing unsubscribe),
 * {@code OBJECTION} (to direct marketing) and {@code RESTRICTED} (processing restricted). The notifier's send ledger,
 * per notification: {@code pk = SEND#<notification id>}, {@code sk = SEND}, {@code state} sending, sent, suppressed or
 * failed. A notice campaign's progress: {@code pk = CAMPAIGN#<campaign>}, {@code sk = PROGRESS}, counters {@code queued},
 * {@code sent}, {@code suppressed}, {@code failed} and the fan-out pages already counted ({@code pagesCounted}).
 */
public final class EmailPreferencesTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    public static final String SUPPRESSED = "SUPPRESSED";
    public static final String OPT_OUT_PREFIX = "OPTOUT#";
    /** A marketing topic opted into again after an opt-out (the newer consent version). */
    public static final String OPT_IN_PREFIX = "OPTIN#";
    public static final String OBJECTION = "OBJECTION";
    public static final String RESTRICTED = "RESTRICTED";
    static final String SEND_PREFIX = "SEND#";
    static final String LEDGER_SK = "SEND";
    static final String STATE = "state";
    static final String CLAIMED_AT = "claimedAt";
    /** A random token per claim attempt: a retried claim whose first answer was lost recognises itself by it. */
    static final String CLAIM_TOKEN = "claimToken";
    static final String CAMPAIGN_PREFIX = "CAMPAIGN#";
    static final String PROGRESS_SK = "PROGRESS";
    static final String PAGES = "pagesCounted";
    /** Campaign counters outlive the notices they count by far: a year, for the breach register's evidence. */
    static final int CAMPAIGN_DAYS = 400;

    /** Longer than a message can wait in the notifications queue and its DLQ (14 days each at most, in turn). */
    static final int LEDGER_DAYS = 19;

    private EmailPreferencesTable() {}

    static Map<String, AttributeValue> key(String addressHash, String sk) {
        return Map.of(PK, AttributeValue.fromS(addressHash), SK, AttributeValue.fromS(sk));
    }

    static Map<String, AttributeValue> campaignKey(String campaign) {
        return key(CAMPAIGN_PREFIX + campaign, PROGRESS_SK);
    }

    /** The SET clauses stamping a campaign's counters item with its own rule (kept {@link #CAMPAIGN_DAYS} days). */
    static RetentionStamp campaignStamp(Instant now) {
        return RetentionStamp.ownRule("campaign_progress_" + CAMPAIGN_DAYS + "d", now.plus(Duration.ofDays(CAMPAIGN_DAYS)));
    }

    static Map<String, AttributeValue> ledgerKey(String notificationId) {
        return key(SEND_PREFIX + notificationId, LEDGER_SK);
    }

    /** Kept without TTL: forgetting it would mean mailing the address again. */
    static Map<String, AttributeValue> suppression(String addressHash, String reason, String source, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(addressHash, SUPPRESSED));
        item.put("reason", AttributeValue.fromS(reason));
        item.put("source", AttributeValue.fromS(source));
        item.put("at", AttributeValue.fromS(now.toString()));
        return RetentionStamp.ownRule("suppression_until_removed", null).onto(item);
    }

    /** Kept without TTL: an objection must always win; a restriction lasts until an operator lifts it. */
    static Map<String, AttributeValue> subjectFlag(String addressHash, String flag, String requestId, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(key(addressHash, flag));
        item.put("entity", AttributeValue.fromS(OBJECTION.equals(flag) ? "marketing_objection" : "processing_restriction"));
        item.put("requestId", AttributeValue.fromS(requestId));
        item.put("at", AttributeValue.fromS(now.toString()));
        return RetentionStamp.ownRule("subject_flag_until_lifted", null).onto(item);
    }

    /** A consent withdrawal: end-user data under the retention policy ({@code stamp}). */
    static Map<String, AttributeValue> optOut(String addressHash, String topic, String method, Instant now,
                                              RetentionStamp stamp) {
        return consentChoice(addressHash, OPT_OUT_PREFIX, "email_consent_withdrawal", topic, method, now, stamp);
    }

    /** A consent given again ({@link #OPT_IN_PREFIX}): end-user data under the retention policy ({@code stamp}). */
    static Map<String, AttributeValue> optIn(String addressHash, String topic, String method, Instant now,
                                             RetentionStamp stamp) {
        return consentChoice(addressHash, OPT_IN_PREFIX, "email_consent_given", topic, method, now, stamp);
    }

    private static Map<String, AttributeValue> consentChoice(String addressHash, String prefix, String entity,
                                                             String topic, String method, Instant now,
                                                             RetentionStamp stamp) {
        Map<String, AttributeValue> item = new HashMap<>(key(addressHash, prefix + topic));
        item.put("entity", AttributeValue.fromS(entity));
        item.put("topic", AttributeValue.fromS(topic));
        item.put("method", AttributeValue.fromS(method));
        item.put("at", AttributeValue.fromS(now.toString()));
        return stamp.onto(item);
    }

    static Map<String, AttributeValue> ledgerEntry(String notificationId, String state, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>(ledgerKey(notificationId));
        item.put("entity", AttributeValue.fromS("send_ledger"));
        item.put("notificationId", AttributeValue.fromS(notificationId));
        item.put(STATE, AttributeValue.fromS(state));
        item.put("at", AttributeValue.fromS(now.toString()));
        return RetentionStamp.ownRule("send_ledger_" + LEDGER_DAYS + "d", now.plus(Duration.ofDays(LEDGER_DAYS)))
                .onto(item);
    }
}
