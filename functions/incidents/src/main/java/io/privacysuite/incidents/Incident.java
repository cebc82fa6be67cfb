package io.privacysuite.incidents;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A personal-data breach in the breach register (GDPR Art. 33(5)): its {@link Details} (what Art. 33(3) asks the
 * authority for), who opened it, the reminders sent and the authority's notification once recorded. The 72-hour clock
 * runs from {@link Details#awareAt}. {@link #version} increases with every change, and each change appends a
 * {@link Change} to the incident's audit trail.
 */
public record Incident(String incidentId, long version, Instant openedAt, String openedBy, Details details,
                       AuthorityNotification authorityNotification, List<String> remindersSent) {
    /** Art. 33(1): without undue delay and, where feasible, not later than 72 hours after becoming aware. */
    public static final Duration AUTHORITY_DEADLINE = Duration.ofHours(72);

    public Incident {
        remindersSent = List.copyOf(remindersSent);
    }

    /**
     * The content of Art. 33(3): the nature of the breach (categories and approximate numbers of people and records),
     * a contact point, the likely consequences, the measures taken or proposed; and when the company became aware.
     * {@code highRisk}: the people must be told too (Art. 34).
     */
    public record Details(Instant awareAt, String title, String nature, List<String> dataCategories,
                          List<String> subjectCategories, long approxSubjects, long approxRecords, String consequences,
                          String measures, String contact, boolean highRisk) {
        public Details {
            dataCategories = List.copyOf(dataCategories);
            subjectCategories = List.copyOf(subjectCategories);
        }

        /** The fields as the audit trail and the console show them. */
        public Map<String, String> asMap() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("awareAt", awareAt.toString());
            m.put("title", title);
            m.put("nature", nature);
            m.put("dataCategories", String.join(", ", dataCategories));
            m.put("subjectCategories", String.join(", ", subjectCategories));
            m.put("approxSubjects", Long.toString(approxSubjects));
            m.put("approxRecords", Long.toString(approxRecords));
            m.put("consequences", consequences);
            m.put("measures", measures);
            m.put("contact", contact);
            m.put("highRisk", Boolean.toString(highRisk));
            return m;
        }
    }

    /** When the supervisory authority was told, who recorded it and when, its reference, and why late (if so). */
    public record AuthorityNotification(Instant notifiedAt, String recordedBy, Instant recordedAt, String reference,
                                        String lateReasons) {
        public boolean late(Instant awareAt) {
            return notifiedAt.isAfter(awareAt.plus(AUTHORITY_DEADLINE));
        }
    }

    /** One entry of the audit trail: who, when, what (field names to their new values, or an event's details). */
    public record Change(Instant at, String actor, String action, Map<String, String> what) {
        public Change {
            what = Map.copyOf(what);
        }
    }

    public Instant authorityDeadline() {
        return details.awareAt().plus(AUTHORITY_DEADLINE);
    }

    public boolean authorityNotified() {
        return authorityNotification != null;
    }

    /** Past 72 hours from awareness without the authority's notification recorded. */
    public boolean isOverdue(Instant now) {
        return !authorityNotified() && !now.isBefore(authorityDeadline());
    }

    /** The same incident one version on: a change that only adds to the audit trail. */
    Incident recorded() {
        return new Incident(incidentId, version + 1, openedAt, openedBy, details, authorityNotification, remindersSent);
    }

    Incident withDetails(Details changed) {
        return new Incident(incidentId, version + 1, openedAt, openedBy, changed, authorityNotification, remindersSent);
    }

    Incident withReminder(String reminder) {
        List<String> sent = new ArrayList<>(remindersSent);
        sent.add(reminder);
        return new Incident(incidentId, version + 1, openedAt, openedBy, details, authorityNotification, sent);
    }

    Incident withAuthorityNotification(AuthorityNotification notification) {
        return new Incident(incidentId, version + 1, openedAt, openedBy, details, notification, remindersSent);
    }
}
