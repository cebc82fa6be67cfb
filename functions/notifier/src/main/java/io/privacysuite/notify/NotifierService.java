package io.privacysuite.notify;

import java.time.Clock;
import java.time.Instant;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * Sends one notification: consults the suppression list (and, for marketing mail, the opt-outs) before every
 * send, renders, builds MIME and calls SES {@code SendRawEmail}. Transactional mail ignores marketing opt-outs
 * but never suppression.
 */
public final class NotifierService {
    private final EmailPreferences preferences;
    private final TemplateRenderer renderer;
    private final MimeMessages mime;
    private final UnsubscribeLinks unsubscribeLinks;
    private final SesClient ses;
    private final String configurationSet;
    private final Clock clock;

    public enum Outcome { SENT, SUPPRESSED, OPTED_OUT }

    /** A message that can never be sent (malformed, unknown template, bad address): fails into the DLQ. */
    public static final class InvalidNotificationException extends RuntimeException {
        public InvalidNotificationException(String message) {
            super(message, null, false, false);
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
            return Outcome.SUPPRESSED;
        }
        if (state.blocks(n)) {
            return Outcome.OPTED_OUT;
        }
        String unsubscribeUrl = n.isMarketing() ? unsubscribeLinks.url(addressHash, n.topic()) : null;
        byte[] raw = render(n, unsubscribeUrl, now);
        ses.sendRawEmail(r -> {
            r.rawMessage(m -> m.data(SdkBytes.fromByteArrayUnsafe(raw)));
            if (configurationSet != null) {
                r.configurationSetName(configurationSet);
            }
        });
        return Outcome.SENT;
    }

    /** Render and build the MIME bytes without sending (also used by the benchmark). */
    public byte[] render(Notification n, String unsubscribeUrl, Instant now) {
        TemplateRenderer.Rendered content;
        try {
            content = renderer.render(n.template(), n.locale(), n.data(), unsubscribeUrl, n.isMarketing());
        } catch (TemplateRenderer.UnknownTemplateException e) {
            throw new InvalidNotificationException("unknown template");
        }
        return mime.build(n.to(), content, unsubscribeUrl, n.id(), now);
    }

    private static void validate(Notification n) {
        if (n.id() == null || n.template() == null || n.to() == null) {
            throw new InvalidNotificationException("id, template and to are required");
        }
        if (!EmailAddresses.isPlausible(n.to())) {
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
