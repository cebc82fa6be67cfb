package io.privacysuite.notifier;

import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.Notification;
import io.privacysuite.notify.UnsubscribeLinks;
import java.time.Clock;
import java.time.Instant;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * Sends one notification: consults the suppression list (and, for marketing mail, the opt-outs) before every
 * send, renders, builds MIME and calls SES {@code SendRawEmail}. Transactional mail ignores marketing opt-outs
 * but never suppression.
 *
 * <p>Each email is sent once: before sending, the notification id is claimed in the send ledger with one conditional
 * write, and marked sent after SES accepted it, so a redelivered or duplicated message finds it done. The one window
 * left: a crash after SES accepted the message and before the ledger says so; the claim then goes stale after
 * {@link #CLAIM_STALE_AFTER} and a redelivery sends the email a second time (never zero times).
 */
public final class NotifierService {
    private final EmailPreferences preferences;
    private final TemplateRenderer renderer;
    private final MimeMessages mime;
    private final UnsubscribeLinks unsubscribeLinks;
    private final SesClient ses;
    private final String configurationSet;
    private final Clock clock;

    /** Longer than the notifier's timeout: a claim this old belongs to a delivery that is no longer running. */
    static final java.time.Duration CLAIM_STALE_AFTER = java.time.Duration.ofSeconds(60);

    public enum Outcome { SENT, SUPPRESSED, OPTED_OUT, DUPLICATE, FAILED }

    /**
     * A message that can never be sent (malformed, unknown template, bad address): recorded as failed once, for
     * operators, and not retried (retries could not help, and the DLQ's alarm means lost legal mail).
     */
    public static final class InvalidNotificationException extends RuntimeException {
        public InvalidNotificationException(String message) {
            super(message, null, false, false);
        }
    }

    /** Another delivery of the same notification is sending it right now: try again later. */
    public static final class SendInProgressException extends RuntimeException {
        public SendInProgressException() {
            super("another delivery is sending this notification", null, false, false);
        }
    }

    public NotifierService(EmailPreferences preferences, TemplateRenderer renderer, MimeMessages mime,
                           UnsubscribeLinks unsubscribeLinks, SesClient ses, String configurationSet, Clock clock) {
        this.preferences = preferences;
        this.renderer = renderer;
        this.mime = mime;
        this.unsubscribeLinks = unsubscribeLinks;
        this.ses = ses;
        this.configurationSet = configurationSet;
        this.clock = clock;
    }

    public Outcome send(Notification n) {
        validate(n);
        Instant now = clock.instant();
        String addressHash = EmailAddresses.hash(n.to());
        EmailPreferences.State state = preferences.stateOf(addressHash, now);
        if (state.suppressed()) {
            return n.campaign() == null ? Outcome.SUPPRESSED : suppressedNotice(n, now);
        }
        if (state.blocks(n)) {
            return Outcome.OPTED_OUT;
        }
        String unsubscribeUrl = n.isMarketing() ? unsubscribeLinks.url(addressHash, n.topic()) : null;
        byte[] raw = render(n.isMarketing() ? withPreferencesLink(n, addressHash, now) : n, unsubscribeUrl, now);
        switch (preferences.claimSend(n.id(), now, CLAIM_STALE_AFTER)) {
            case ALREADY_DONE -> {
                return Outcome.DUPLICATE;
            }
            case IN_PROGRESS -> throw new SendInProgressException();
            case CLAIMED -> { /* this delivery sends */ }
        }
        try {
            ses.sendRawEmail(r -> {
                r.rawMessage(m -> m.data(SdkBytes.fromByteArrayUnsafe(raw)));
                if (configurationSet != null) {
                    r.configurationSetName(configurationSet);
                }
            });
        } catch (RuntimeException e) {
            preferences.releaseSend(n.id());
            throw e;
        }
        preferences.markSent(n.id(), "sent", clock.instant());
        if (n.campaign() != null) {
            // Counted after the ledger says sent: a crash in between undercounts one, never counts twice.
            preferences.countOutcome(n.campaign(), EmailPreferences.SENT, clock.instant());
        }
        return Outcome.SENT;
    }

    /**
     * A campaign's notice to a suppressed address: recorded in the ledger as suppressed, so a redelivery of the same
     * notice counts it once in the campaign's progress.
     */
    private Outcome suppressedNotice(Notification n, Instant now) {
        switch (preferences.claimSend(n.id(), now, CLAIM_STALE_AFTER)) {
            case ALREADY_DONE -> {
                return Outcome.DUPLICATE;
            }
            case IN_PROGRESS -> throw new SendInProgressException();
            case CLAIMED -> { /* record it below */ }
        }
        preferences.markSent(n.id(), "suppressed", now);
        preferences.countOutcome(n.campaign(), EmailPreferences.SUPPRESSED_OUTCOME, now);
        return Outcome.SUPPRESSED;
    }

    /** What a campaign id may be (it becomes part of a table key): 1..100 letters, digits, '.', '_', ':' or '-'. */
    static boolean isCampaignId(String campaign) {
        return campaign != null && campaign.matches("[A-Za-z0-9._:-]{1,100}");
    }

    /** Counts an undeliverable notice in its campaign's progress (once: called when {@link #fail} said first). */
    public void countFailed(String campaign) {
        preferences.countOutcome(campaign, EmailPreferences.FAILED, clock.instant());
    }

    /** Records a message that can never be sent, once; {@code id} is its notification id or its queue message id. */
    public boolean fail(String id, String template, String ref, String reason) {
        return preferences.markFailed(id, template, ref, reason, clock.instant());
    }

    /**
     * A marketing mail with its signed link to the preferences page ({@code preferencesUrl}), branded for the site the
     * notification names in {@code data.siteId} (when it is a site id at all).
     */
    private Notification withPreferencesLink(Notification n, String addressHash, Instant now) {
        java.util.Map<String, String> data = new java.util.HashMap<>(n.data());
        String url = unsubscribeLinks.preferencesUrl(addressHash, n.data().get("siteId"), now);
        // The page opens in the mail's language (the link carries no other choice of the person's).
        data.put("preferencesUrl", n.locale() != null && n.locale().matches("[a-z]{2}") ? url + "&lang=" + n.locale() : url);
        return new Notification(n.id(), n.kind(), n.template(), n.locale(), n.to(), n.topic(), data, n.ref(),
                n.campaign());
    }

    /** Render and build the MIME bytes without sending (also used by the benchmark). */
    public byte[] render(Notification n, String unsubscribeUrl, Instant now) {
        EmailTemplate template = n.emailTemplate()
                .orElseThrow(() -> new InvalidNotificationException("unknown template"));
        TemplateRenderer.Rendered content;
        try {
            content = renderer.render(template, n.locale(), n.data(), unsubscribeUrl, n.isMarketing());
        } catch (TemplateRenderer.UnknownTemplateException e) {
            throw new InvalidNotificationException("unknown template");
        }
        String to = EmailAddresses.canonical(n.to())
                .orElseThrow(() -> new InvalidNotificationException("recipient is not an address we can send to"));
        try {
            return mime.build(to, content, unsubscribeUrl, n.id(), now);
        } catch (IllegalArgumentException e) {
            throw new InvalidNotificationException("cannot build the message");
        }
    }

    private static void validate(Notification n) {
        if (n.id() == null || n.template() == null || n.to() == null) {
            throw new InvalidNotificationException("id, template and to are required");
        }
        if (n.campaign() != null && !isCampaignId(n.campaign())) {
            throw new InvalidNotificationException("campaign must be 1..100 letters, digits, '.', '_', ':' or '-'");
        }
        if (n.id().length() > 200 || n.id().chars().anyMatch(Character::isISOControl)) {
            throw new InvalidNotificationException("id must be at most 200 printable characters");
        }
        if (!EmailAddresses.isSendable(n.to())) {
            throw new InvalidNotificationException("recipient is not an address");
        }
        if (!Notification.TRANSACTIONAL.equals(n.kind()) && !Notification.MARKETING.equals(n.kind())) {
            throw new InvalidNotificationException("kind must be transactional or marketing");
        }
        if (n.isMarketing() && (n.topic() == null || !n.topic().matches("[a-z0-9_-]{1,40}"))) {
            throw new InvalidNotificationException("marketing mail needs a topic");
        }
    }
}
