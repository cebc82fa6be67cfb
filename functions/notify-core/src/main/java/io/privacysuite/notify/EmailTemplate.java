package io.privacysuite.notify;

import java.util.Locale;
import java.util.Optional;

/**
 * The emails the notifier can render: one {@code templates/<name>.<locale>.mustache} per template and language (English
 * always), {@code <name>} being {@link #wire()}. A notification names its template by that name on the queue.
 */
public enum EmailTemplate {
    /** The verification link of a new data subject request. */
    REQUEST_VERIFY,
    /** Receipt of a verified request, with its due date and status link. */
    REQUEST_ACKNOWLEDGED,
    /** The deadline was extended, with the reason. */
    REQUEST_EXTENDED,
    REQUEST_REJECTED,
    REQUEST_COMPLETED,
    /** Nothing is held about the person in any source. */
    REQUEST_NO_DATA,
    /** An access or portability request's download links. */
    EXPORT_READY,
    /** What an erasure deleted, anonymized and kept (with why). */
    ERASURE_DONE,
    /** A rectification handed to operators. */
    RECTIFICATION_ROUTED,
    /** To operators: a request whose sources keep failing. */
    OPERATOR_ESCALATION,
    /** To operators: fields no source could change. */
    OPERATOR_RECTIFICATION,
    /** To operators: a deadline is near or passed. */
    OPERATOR_REMINDER,
    /** To operators: a breach's authority notification is due within 72 hours of awareness (24/48/66 h, passed). */
    OPERATOR_BREACH_REMINDER,
    /**
     * To a person affected by a personal-data breach (GDPR Art. 34(2)): what happened, the data concerned, likely
     * consequences, measures, what they can do and a contact. Transactional: sent despite opt-outs, never to a
     * suppressed address.
     */
    BREACH_NOTICE,
    /** A new privacy-policy version: what changes, where to read it, from when (material changes 30 days ahead). */
    POLICY_CHANGE,
    /** Marketing mail, with RFC 8058 one-click unsubscribe. */
    NEWSLETTER;

    /** The name on the queue and of the template files, e.g. {@code request_verify}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The template a queued name means; empty for a name no template has. */
    public static Optional<EmailTemplate> fromWire(String name) {
        for (EmailTemplate t : values()) {
            if (t.wire().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
