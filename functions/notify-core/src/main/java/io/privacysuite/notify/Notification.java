package io.privacysuite.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A message on the notifications queue: which template to render for whom. The notifier renders it in
 * {@code locale} (falling back to English), builds the MIME message and sends it through SES.
 *
 * @param id       unique per email; logged instead of the address
 * @param template an {@link EmailTemplate}'s {@link EmailTemplate#wire() name}
 * @param kind     {@link #TRANSACTIONAL} (always sent unless suppressed) or {@link #MARKETING} (also honours
 *                 opt-outs and carries RFC 8058 one-click unsubscribe headers)
 * @param topic    for marketing mail, the opt-out topic (e.g. {@code newsletter}); opting out of {@code all} covers every topic
 * @param data     template values; dates as ISO {@code yyyy-MM-dd} strings are also offered localized as {@code <key>Text}
 * @param ref      a non-personal reference for logs (a request id)
 * @param campaign for a notice sent to many people (a breach or policy notice), the campaign it belongs to: the
 *                 notifier counts its outcomes in the campaign's progress ({@link EmailPreferences#countOutcome})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notification(String id, String kind, String template, String locale, String to, String topic,
                           Map<String, String> data, String ref, String campaign) {
    public static final String TRANSACTIONAL = "transactional";
    public static final String MARKETING = "marketing";

    public Notification {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    public Notification(String id, String kind, String template, String locale, String to, String topic,
                        Map<String, String> data, String ref) {
        this(id, kind, template, locale, to, topic, data, ref, null);
    }

    /** A transactional email: always sent unless the address is suppressed. */
    public static Notification transactional(String id, EmailTemplate template, String locale, String to,
                                             Map<String, String> data, String ref) {
        return new Notification(id, TRANSACTIONAL, template.wire(), locale, to, null, data, ref);
    }

    /** A transactional notice of {@code campaign}: always sent unless the address is suppressed; outcomes counted. */
    public static Notification notice(String id, EmailTemplate template, String locale, String to,
                                      Map<String, String> data, String campaign) {
        return new Notification(id, TRANSACTIONAL, template.wire(), locale, to, null, data, campaign, campaign);
    }

    /** The template this notification names, if it names one the notifier has. */
    public java.util.Optional<EmailTemplate> emailTemplate() {
        return EmailTemplate.fromWire(template);
    }

    public boolean isMarketing() {
        return MARKETING.equals(kind);
    }
}
