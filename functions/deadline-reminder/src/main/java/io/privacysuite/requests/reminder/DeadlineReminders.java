package io.privacysuite.requests.reminder;

import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.Notification;
import io.privacysuite.requests.Dispatcher;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.RequestStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sweep over the open requests: emails operators 7 and 2 days before a deadline (days counted in the legal
 * time zone), flags overdue requests once (audit entry + email), re-dispatches verified requests whose
 * acknowledgement or processing message never went out, and reports the counts for the overdue metric.
 * Reminders are sent before they are recorded: a crash in between repeats a reminder, never loses one.
 */
public final class DeadlineReminders {
    static final Duration DISPATCH_GRACE = Duration.ofMinutes(5);

    private final RequestStore store;
    private final Outbox outbox;
    private final Dispatcher dispatcher;
    private final String operatorEmail;
    private final Clock clock;

    public DeadlineReminders(RequestStore store, Outbox outbox, Dispatcher dispatcher, String operatorEmail, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.operatorEmail = operatorEmail;
        this.clock = clock;
    }

    public record Sweep(int open, int overdue, int remindersSent, int redispatched, int failures) {}

    public Sweep run() {
        Instant now = clock.instant();
        int[] counts = new int[5];
        // Every open request (the sparse index holds only open ones; DSAR volumes keep this small).
        store.forEachOpen(now.plus(Duration.ofDays(3660)), now, request -> {
            counts[0]++;
            try {
                DsarRequest r = request;
                if (r.dispatchedAt() == null && r.verifiedAt() != null
                        && r.verifiedAt().plus(DISPATCH_GRACE).isBefore(now)) {
                    r = dispatcher.dispatch(r, null);
                    counts[3]++;
                }
                if (r.isOverdue(now)) {
                    counts[1]++;
                }
                String due = reminderDue(r, now);
                if (due != null) {
                    outbox.notify(reminder(r, due, now));
                    store.update(r.withReminder(due, now, "deadline " + r.deadline().dueOn() + " passed"), now);
                    counts[2]++;
                }
            } catch (RuntimeException e) {
                counts[4]++;
            }
        });
        return new Sweep(counts[0], counts[1], counts[2], counts[3], counts[4]);
    }

    /** Which reminder is due now and not yet sent: "overdue", "2d" or "7d"; null for none. */
    static String reminderDue(DsarRequest r, Instant now) {
        if (r.isOverdue(now)) {
            return r.remindersSent().contains("overdue") ? null : "overdue";
        }
        LocalDate today = LocalDate.ofInstant(now, r.deadline().zone());
        long daysLeft = ChronoUnit.DAYS.between(today, r.deadline().dueOn());
        if (daysLeft <= 2) {
            return r.remindersSent().contains("2d") ? null : "2d";
        }
        if (daysLeft <= 7) {
            return r.remindersSent().contains("7d") || r.remindersSent().contains("2d") ? null : "7d";
        }
        return null;
    }

    private Notification reminder(DsarRequest r, String due, Instant now) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("requestId", r.requestId());
        data.put("type", r.type().wire());
        data.put("siteId", r.siteId());
        data.put("status", r.status().wire());
        data.put("dueOn", r.deadline().dueOn().toString());
        data.put("reminderLabel", switch (due) {
            case "overdue" -> "OVERDUE";
            case "2d" -> "due in 2 days";
            default -> "due in 7 days";
        });
        return Notification.transactional("reminder-" + due + "-" + r.requestId(), EmailTemplate.OPERATOR_REMINDER,
                "en", operatorEmail, data, r.requestId());
    }
}
