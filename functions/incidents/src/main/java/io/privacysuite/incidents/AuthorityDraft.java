package io.privacysuite.incidents;

import java.time.Instant;

/**
 * The notification to the supervisory authority, drafted from an incident in the order of GDPR Art. 33(3), with the
 * reasons for a delay when drafted after the 72 hours (Art. 33(1)). Plain text: operators send it or paste it into
 * the authority's form.
 */
public record AuthorityDraft(String incidentId, String subject, String text, boolean late, String deadline) {

    static AuthorityDraft of(Incident incident, Instant now) {
        Incident.Details d = incident.details();
        boolean late = incident.authorityNotified()
                ? incident.authorityNotification().late(d.awareAt())
                : now.isAfter(incident.authorityDeadline());
        StringBuilder t = new StringBuilder();
        t.append("Notification of a personal data breach (GDPR Art. 33)\n\n");
        t.append("Our reference: ").append(incident.incidentId()).append('\n');
        t.append("Title: ").append(d.title()).append('\n');
        t.append("Became aware: ").append(d.awareAt()).append('\n');
        t.append("Notification due by: ").append(incident.authorityDeadline()).append("\n\n");
        t.append("1. Nature of the breach\n").append(d.nature()).append("\n\n");
        t.append("   Categories of personal data: ").append(String.join(", ", d.dataCategories())).append('\n');
        t.append("   Categories of data subjects: ").append(String.join(", ", d.subjectCategories())).append('\n');
        t.append("   Approximate number of data subjects: ").append(d.approxSubjects()).append('\n');
        t.append("   Approximate number of personal data records: ").append(d.approxRecords()).append("\n\n");
        t.append("2. Contact point (data protection officer or other contact)\n").append(d.contact()).append("\n\n");
        t.append("3. Likely consequences\n").append(d.consequences()).append("\n\n");
        t.append("4. Measures taken or proposed, including to mitigate possible adverse effects\n")
                .append(d.measures()).append("\n\n");
        t.append("5. Communication to the data subjects (Art. 34)\n").append(d.highRisk()
                ? "The breach is likely to result in a high risk to the rights and freedoms of natural persons; "
                        + "the people affected are being informed.\n"
                : "The breach is not assessed as likely to result in a high risk; the people affected are not "
                        + "individually informed at this stage.\n");
        if (late) {
            t.append("\n6. Reasons for the delay (Art. 33(1))\n").append(incident.authorityNotified()
                    && incident.authorityNotification().lateReasons() != null
                    ? incident.authorityNotification().lateReasons()
                    : "[required: state why this notification is made more than 72 hours after becoming aware]")
                    .append('\n');
        }
        return new AuthorityDraft(incident.incidentId(), "Personal data breach notification: " + d.title(),
                t.toString(), late, incident.authorityDeadline().toString());
    }
}
