package io.privacysuite.requests.reminder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.Regime;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeadlineRemindersTest {
    private static final LegalClock CLOCK = new LegalClock(Regime.GDPR, ZoneId.of("Europe/Brussels"));
    // Received 10 Jan 2027 -> due 10 Feb 2027; overdue from 10 Feb 23:00 UTC.
    private static final Instant RECEIVED = Instant.parse("2027-01-10T09:00:00Z");

    private static DsarRequest open(Set<String> sent) {
        return DsarRequest.builder().requestId("r1").type(RequestType.ACCESS).status(RequestStatus.VERIFIED).siteId("s1")
                .email("a@example.org").emailHash("h").locale("en").receivedAt(RECEIVED)
                .deadline(CLOCK.deadlineFor(RECEIVED)).verifyTokenHash("t").verifyTokenExpiresAt(RECEIVED)
                .statusTokenHash("s").verifiedAt(RECEIVED).dispatchedAt(RECEIVED).remindersSent(sent)
                .audit(List.of(new AuditEntry(RECEIVED, "subject", "verify", "pending_verification", "verified", "")))
                .version(1).build();
    }

    @Test
    void shouldRemindSevenDaysBefore_thenTwoDays_thenFlagOverdue_eachOnce() {
        assertThat(DeadlineReminders.reminderDue(open(Set.of()), Instant.parse("2027-01-30T10:00:00Z"))).isNull();
        assertThat(DeadlineReminders.reminderDue(open(Set.of()), Instant.parse("2027-02-03T10:00:00Z"))).isEqualTo("7d");
        assertThat(DeadlineReminders.reminderDue(open(Set.of("7d")), Instant.parse("2027-02-05T10:00:00Z"))).isNull();
        assertThat(DeadlineReminders.reminderDue(open(Set.of("7d")), Instant.parse("2027-02-08T10:00:00Z"))).isEqualTo("2d");
        assertThat(DeadlineReminders.reminderDue(open(Set.of("7d", "2d")), Instant.parse("2027-02-10T22:59:00Z"))).isNull();
        assertThat(DeadlineReminders.reminderDue(open(Set.of("7d", "2d")), Instant.parse("2027-02-10T23:00:00Z")))
                .isEqualTo("overdue");
        assertThat(DeadlineReminders.reminderDue(open(Set.of("7d", "2d", "overdue")), Instant.parse("2027-03-01T00:00:00Z")))
                .isNull();
    }

    @Test
    void shouldNotSendTheSevenDayReminderLate_afterTheTwoDayOne() {
        assertThat(DeadlineReminders.reminderDue(open(Set.of()), Instant.parse("2027-02-09T10:00:00Z"))).isEqualTo("2d");
        assertThat(DeadlineReminders.reminderDue(open(Set.of("2d")), Instant.parse("2027-02-09T11:00:00Z"))).isNull();
    }

    @Test
    void shouldPrintOverdueCountAsEmbeddedMetric() throws Exception {
        DeadlineReminderHandler handler = new DeadlineReminderHandler(null, "prod",
                Clock.fixed(Instant.parse("2027-02-11T00:00:00Z"), ZoneOffset.UTC));

        JsonNode emf = Json.read(handler.emf(new DeadlineReminders.Sweep(4, 1, 2, 0, 0)));

        assertThat(emf.path("OverdueRequests").asInt()).isEqualTo(1);
        assertThat(emf.path("OpenRequests").asInt()).isEqualTo(4);
        assertThat(emf.path("Stage").asText()).isEqualTo("prod");
        JsonNode directive = emf.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("PrivacySuite");
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo("OverdueRequests");
        assertThat(emf.path("_aws").path("Timestamp").asLong()).isEqualTo(Instant.parse("2027-02-11T00:00:00Z").toEpochMilli());
    }
}
