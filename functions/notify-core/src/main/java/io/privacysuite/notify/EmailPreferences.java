package io.privacysuite.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Per-address email state ({@link EmailPreferencesTable}), keyed by the address hash: suppressed after a hard bounce
 * or complaint (blocks every mail, transactional included; kept without TTL, since forgetting it would mean mailing the
 * address again); opted out of a marketing topic (a consent withdrawal, kept as end-user data under the retention
 * policy); an objection to direct marketing (GDPR Art. 21(2)-(3)), which blocks every marketing mail whatever opt-ins
 * exist and never expires; a restriction of processing (Art. 18): marketing stops too, transactional mail about the
 * person's own request is still sent. One read per send answers all of these.
 *
 * <p>The notifier's send ledger: one entry per notification id, kept longer than a message can wait in the queue and
 * its DLQ, {@code sending} (claimed by one delivery), {@code sent}, or {@code failed} (a message that can never be
 * sent, with the reason, for operators).
 */
public interface EmailPreferences {
    String ALL_TOPICS = "all";
    /** The subject flags a data subject request records ({@link #flag}). */
    String OBJECTION = EmailPreferencesTable.OBJECTION;
    String RESTRICTED = EmailPreferencesTable.RESTRICTED;

    /** What the ledger says about a notification a delivery wants to send. */
    enum Claim { CLAIMED, ALREADY_DONE, IN_PROGRESS }

    /** What applies to one address right now. */
    record State(boolean suppressed, List<String> optedOutTopics, boolean objected, boolean restricted) {
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

    /** What applies to one address right now (expired items left out). */
    State stateOf(String addressHash, Instant now);

    /** Adds the address to the suppression list; {@code reason} is bounce or complaint, {@code source} who said so. */
    void suppress(String addressHash, String reason, String source, Instant now);

    /**
     * Records a subject flag from a data subject request: {@link #OBJECTION} or {@link #RESTRICTED}. Kept without TTL
     * (an objection must always win; a restriction lasts until an operator lifts it), with the request as evidence.
     */
    void flag(String addressHash, String flag, String requestId, Instant now);

    /**
     * Claims the sending of notification {@code id}: of two deliveries of the same message only one sends. A claim
     * older than {@code stale} (its delivery crashed before or while sending) may be taken over.
     */
    Claim claimSend(String id, Instant now, Duration stale);

    /** Records that notification {@code id} was handed to SES (or deliberately not sent: {@code state}). */
    void markSent(String id, String state, Instant now);

    /** Gives a claim back after a send that failed, so the retry of the message may send. */
    void releaseSend(String id);

    /**
     * Records a notification that can never be sent (malformed, unknown template, bad address), once: false when it
     * was recorded (or sent) before. {@code template} and {@code ref} are non-personal; the address is never kept.
     */
    boolean markFailed(String id, String template, String ref, String reason, Instant now);

    /** The notifications recorded as never sendable (for operators), newest first. */
    List<Map<String, String>> failedSends(Instant now);

    /** The outcomes a notice campaign counts; {@link #QUEUED} is counted by the fan-out, the others by the notifier. */
    String QUEUED = "queued";
    String SENT = "sent";
    String SUPPRESSED_OUTCOME = "suppressed";
    String FAILED = "failed";
    /** Audience entries without a sendable address (an invalid CSV line, an account with no or an erased address). */
    String SKIPPED = "skipped";

    /**
     * Counts {@code count} notices of {@code campaign} queued by page {@code page} and the {@code skipped} entries it
     * had no address for, once per page: false when that page was counted before (a redelivered fan-out message).
     */
    boolean countQueued(String campaign, String page, int count, int skipped, Instant now);

    /** Whether page {@code page} of {@code campaign} was counted (done) already. */
    boolean pageCounted(String campaign, String page);

    /** Adds one to {@code outcome} ({@link #SENT}, {@link #SUPPRESSED_OUTCOME}, {@link #FAILED}) of {@code campaign}. */
    void countOutcome(String campaign, String outcome, Instant now);

    /** A campaign's counters: queued, sent, suppressed, failed, skipped (zeros when nothing was counted yet). */
    Map<String, Long> campaignProgress(String campaign);

    /** Records a marketing opt-out for {@code topic} (a consent withdrawal) with how it arrived. */
    void optOut(String addressHash, String topic, String method, Instant now);

    /**
     * Records a marketing opt-in for {@code topic} (consent given again, with how it arrived): the opt-out of that topic
     * ends and the opt-in is kept as the newer consent version, under the same retention policy as an opt-out.
     */
    void optIn(String addressHash, String topic, String method, Instant now);
}
