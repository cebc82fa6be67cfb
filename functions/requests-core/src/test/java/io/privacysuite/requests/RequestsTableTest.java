package io.privacysuite.requests;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.Notification;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The item mapping and the TTL each state gets (no DynamoDB call is made). */
class RequestsTableTest {
    private static final Instant RECEIVED = Instant.parse("2027-01-31T23:30:00Z");
    private static final RetentionPolicy POLICY = new RetentionPolicy(12);
    private final LegalClock clock = new LegalClock(Regime.GDPR, ZoneId.of("Europe/Brussels"));

    private DsarRequest pending() {
        return DsarRequest.builder().requestId("r-1").type(RequestType.RECTIFICATION)
                .status(RequestStatus.PENDING_VERIFICATION).siteId("site").email("Ann@Example.org").emailHash("hash")
                .locale("nl").details(Map.of("city", "Gent")).consentIds(List.of("c-12345678"))
                .subjectIds(List.of("cus_42")).ignoredIdentifiers(List.of("subjectId")).receivedAt(RECEIVED)
                .deadline(clock.deadlineFor(RECEIVED)).verifyTokenHash("tokenhash")
                .verifyTokenExpiresAt(RECEIVED.plus(Duration.ofHours(72)))
                .audit(List.of(new AuditEntry(RECEIVED, "subject", "receive", "none", "pending_verification", "intake")))
                .version(1).build();
    }

    @Test
    void shouldExpireUnverifiedRequestWithItsLink() {
        Map<String, AttributeValue> item = RequestsTable.toItem(pending(), RECEIVED, POLICY);

        assertThat(item.get(RetentionPolicy.TTL_ATTRIBUTE).n())
                .isEqualTo(Long.toString(RECEIVED.plus(Duration.ofHours(72)).getEpochSecond()));
        assertThat(item.get(RetentionPolicy.RULE_ATTRIBUTE).s()).isEqualTo("unverified_request_72h");
        assertThat(item).doesNotContainKey("openPk");
    }

    @Test
    void shouldKeepVerifiedRecord24MonthsFromItsLastChange_andIndexItAsOpen() {
        Instant verifiedAt = RECEIVED.plus(Duration.ofHours(2));
        DsarRequest verified = pending().verified(verifiedAt, "statushash");

        Map<String, AttributeValue> item = RequestsTable.toItem(verified, verifiedAt, POLICY);

        assertThat(item.get(RetentionPolicy.RULE_ATTRIBUTE).s()).isEqualTo("request_record_24m");
        assertThat(Instant.ofEpochSecond(Long.parseLong(item.get(RetentionPolicy.TTL_ATTRIBUTE).n())))
                .isEqualTo(Instant.parse("2029-02-01T01:30:00Z"));
        assertThat(item.get("openPk").s()).isEqualTo("OPEN");
        assertThat(item.get("dueOn").s()).isEqualTo("2027-03-01");
        assertThat(item.get("dueEpoch").n()).isEqualTo(Long.toString(Instant.parse("2027-03-01T23:00:00Z").getEpochSecond()));
    }

    @Test
    void shouldRoundTripEveryField() {
        Instant at = RECEIVED.plusSeconds(60);
        DsarRequest original = pending().verified(at, "statushash")
                .withDeadline(clock.extend(clock.deadlineFor(RECEIVED), 1, "volume", at), at, "alice", "volume")
                .withReminder("7d", at, "soon")
                .dispatched(at)
                .toBuilder().downloadTokenHash("dl").downloadExpiresAt(at.plusSeconds(7 * 86_400)).build()
                .transition(RequestStatus.COMPLETED, Instant.parse("2027-06-01T10:00:00Z"), "bob", "complete", "late")
                .withPendingNotice(Notification.transactional("export_ready-r1",
                        EmailTemplate.EXPORT_READY, "nl", "ann@example.org",
                        Map.of("recordCount", "2"), "r1"));

        DsarRequest copy = RequestsTable.fromItem(RequestsTable.toItem(original, at, POLICY));

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.audit()).extracting(AuditEntry::action)
                .containsExactly("receive", "verify", "extend", "complete", "closed_late");
        assertThat(copy.closedLate()).isTrue();
        assertThat(copy.pendingNotices()).singleElement().satisfies(n -> assertThat(n.data()).containsEntry("recordCount", "2"));
        assertThat(copy.withoutPendingNotices(Set.of("export_ready-r1")).pendingNotices()).isEmpty();
    }

    @Test
    void shouldDropFromOpenIndex_whenClosed() {
        Instant at = RECEIVED.plusSeconds(60);
        DsarRequest closed = pending().verified(at, "s").transition(RequestStatus.COMPLETED, at, "bob", "complete", "done");

        assertThat(RequestsTable.toItem(closed, at, POLICY)).doesNotContainKey("openPk");
        assertThat(closed.closedAt()).isEqualTo(at);
        assertThat(closed.remindersSent()).isEqualTo(Set.of());
        assertThat(closed.closedLate()).isFalse();
        assertThat(RequestsTable.toItem(closed, at, POLICY)).doesNotContainKey("closedLate");
    }

    @Test
    void shouldMarkAClosingAfterTheDueDateLate_withAnAuditEntry_whoeverCloses() {
        Instant afterDue = clock.deadlineFor(RECEIVED).dueAt();
        Instant lastMomentInTime = afterDue.minusSeconds(1);

        DsarRequest late = pending().verified(RECEIVED, "s").transition(RequestStatus.REJECTED, afterDue, "alice", "reject", "no");
        DsarRequest onTime = pending().verified(RECEIVED, "s").transition(RequestStatus.COMPLETED, lastMomentInTime, "system",
                "complete", "done");

        assertThat(late.closedLate()).isTrue();
        assertThat(late.audit().get(late.audit().size() - 1)).satisfies(e -> {
            assertThat(e.action()).isEqualTo("closed_late");
            assertThat(e.actor()).isEqualTo("alice");
            assertThat(e.why()).contains("2027-03-01");
        });
        assertThat(RequestsTable.toItem(late, afterDue, POLICY).get("closedLate").bool()).isTrue();
        assertThat(onTime.closedLate()).isFalse();
        assertThat(onTime.hasAudit("closed_late")).isFalse();
    }
}
