package io.privacysuite.incidents;

import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.Notification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sweep of the 72-hour clock (run hourly): for every incident whose authority notification is not recorded, emails
 * operators at 24, 48 and 66 hours from awareness and once more when the 72 hours have passed, and counts the open and
 * overdue ones for the metric the alarm watches. A missed sweep sends only the latest reminder due. Idempotent: a
 * reminder's notification id is fixed (the notifier's ledger sends it once), and it is recorded in the incident's
 * audit trail after being queued, so a crash in between queues it again and the ledger drops the copy.
 */
public final class BreachClock {
    /** Reminder labels and when they fall due, latest first. */
    static final List<Map.Entry<String, Duration>> REMINDERS = List.of(
            Map.entry("72h", Duration.ofHours(72)), Map.entry("66h", Duration.ofHours(66)),
            Map.entry("48h", Duration.ofHours(48)), Map.entry("24h", Duration.ofHours(24)));

    private final IncidentStore store;
    private final NotificationSender notifications;
    private final String operatorEmail;
    private final Clock clock;

    public BreachClock(IncidentStore store, NotificationSender notifications, String operatorEmail, Clock clock) {
        this.store = store;
        this.notifications = notifications;
        this.operatorEmail = operatorEmail;
        this.clock = clock;
    }

    public record Sweep(int open, int overdue, int remindersSent, int failures) {}

    public Sweep run() {
        Instant now = clock.instant();
        int open = 0;
        int overdue = 0;
        int sent = 0;
        int failures = 0;
        for (Incident incident : store.all()) {
            if (incident.authorityNotified()) {
                continue;
            }
            open++;
            if (incident.isOverdue(now)) {
                overdue++;
            }
            String due = reminderDue(incident, now);
            if (due == null) {
                continue;
            }
            try {
                notifications.send(reminder(incident, due));
                // A concurrent change makes this false: the next sweep queues the same id again, sent once.
                store.update(incident.withReminder(due), new Incident.Change(now, "system", "reminder",
                        Map.of("reminder", due, "deadline", incident.authorityDeadline().toString())));
                sent++;
            } catch (RuntimeException e) {
                failures++;
            }
        }
        return new Sweep(open, overdue, sent, failures);
    }

    /** The latest reminder due and not yet sent; null for none. */
    static String reminderDue(Incident incident, Instant now) {
        Duration since = Duration.between(incident.details().awareAt(), now);
        for (Map.Entry<String, Duration> reminder : REMINDERS) {
            if (since.compareTo(reminder.getValue()) >= 0) {
                // Once a later reminder went out, an earlier one is never sent.
                int index = REMINDERS.indexOf(reminder);
                boolean laterOrSame = REMINDERS.subList(0, index + 1).stream()
                        .anyMatch(r -> incident.remindersSent().contains(r.getKey()));
                return laterOrSame ? null : reminder.getKey();
            }
        }
        return null;
    }

    private Notification reminder(Incident incident, String due) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("incidentId", incident.incidentId());
        data.put("title", incident.details().title());
        data.put("awareAt", incident.details().awareAt().toString());
        data.put("deadline", incident.authorityDeadline().toString());
        data.put("reminderLabel", due.equals("72h") ? "72 HOURS PASSED" : due + " since awareness");
        return Notification.transactional("breach-reminder-" + due + "-" + incident.incidentId(),
                EmailTemplate.OPERATOR_BREACH_REMINDER, "en", operatorEmail, data, incident.incidentId());
    }
}
