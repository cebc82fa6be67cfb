package io.privacysuite.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.Json;
import io.privacysuite.fixtures.MutableClock;
import io.privacysuite.notify.Notification;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreachClockTest {
    final MutableClock clock = new MutableClock(IncidentServiceTest.AWARE.plus(Duration.ofMinutes(10)));
    final InMemoryIncidentStore store = new InMemoryIncidentStore();
    final IncidentService service = new IncidentService(store, clock);
    final List<Notification> queued = new ArrayList<>();
    final BreachClock breachClock = new BreachClock(store, queued::add, "dpo@example.com", clock);

    void at(int hours) {
        clock.set(IncidentServiceTest.AWARE.plus(Duration.ofHours(hours)));
    }

    @Test
    void shouldRemindAt24_48_66Hours_andWhen72Passed_eachOnce() throws Exception {
        Incident incident = service.open(IncidentServiceTest.openEvent());
        List<String> sent = new ArrayList<>();
        for (int h = 1; h <= 80; h++) {
            at(h);
            breachClock.run();
            breachClock.run();
        }
        queued.forEach(n -> sent.add(n.id()));

        assertThat(sent).containsExactly("breach-reminder-24h-" + incident.incidentId(),
                "breach-reminder-48h-" + incident.incidentId(), "breach-reminder-66h-" + incident.incidentId(),
                "breach-reminder-72h-" + incident.incidentId());
        assertThat(queued).allSatisfy(n -> {
            assertThat(n.to()).isEqualTo("dpo@example.com");
            assertThat(n.data()).containsEntry("deadline", "2026-11-23T08:00:00Z");
        });
        assertThat(store.trail(incident.incidentId())).filteredOn(c -> c.action().equals("reminder"))
                .extracting(c -> c.what().get("reminder")).containsExactly("24h", "48h", "66h", "72h");
    }

    @Test
    void shouldSendOnlyTheLatestReminderDue_afterMissedSweeps() throws Exception {
        service.open(IncidentServiceTest.openEvent());
        at(67);
        breachClock.run();
        at(70);
        breachClock.run();

        assertThat(queued).extracting(Notification::id).singleElement().asString().startsWith("breach-reminder-66h-");
    }

    @Test
    void shouldCountOverdueIncidents_untilTheAuthorityNotificationIsRecorded() throws Exception {
        Incident incident = service.open(IncidentServiceTest.openEvent());
        service.open(IncidentServiceTest.openEvent());
        at(71);
        assertThat(breachClock.run().overdue()).isZero();
        at(72);
        BreachClock.Sweep overdue = breachClock.run();
        assertThat(overdue.open()).isEqualTo(2);
        assertThat(overdue.overdue()).isEqualTo(2);

        service.recordAuthorityNotification(Json.read("{\"incidentId\":\"" + incident.incidentId()
                + "\",\"operator\":\"alice\",\"reference\":\"R\",\"lateReasons\":\"weekend\"}"));
        BreachClock.Sweep after = breachClock.run();
        assertThat(after.open()).isEqualTo(1);
        assertThat(after.overdue()).isEqualTo(1);
    }

    @Test
    void shouldStopRemindingOnceNotified_andCountAFailedQueueAsAFailure() throws Exception {
        Incident incident = service.open(IncidentServiceTest.openEvent());
        at(10);
        service.recordAuthorityNotification(Json.read("{\"incidentId\":\"" + incident.incidentId()
                + "\",\"operator\":\"alice\",\"reference\":\"R\"}"));
        at(30);
        assertThat(breachClock.run().remindersSent()).isZero();

        service.open(IncidentServiceTest.openEvent());
        BreachClock failing = new BreachClock(store, n -> { throw new IllegalStateException("queue down"); },
                "dpo@example.com", clock);
        at(30);
        assertThat(failing.run().failures()).isEqualTo(1);
        // Not recorded as sent: the next sweep tries again.
        assertThat(breachClock.run().remindersSent()).isEqualTo(1);
    }
}
