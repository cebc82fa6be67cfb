package io.privacysuite.requests;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.retention.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The item mapping and the TTL each state gets (no DynamoDB call is made). */
class RequestStoreTest {
    private static final Instant RECEIVED = Instant.parse("2027-01-31T23:30:00Z");
    private final RequestStore store = new RequestStore(null, "requests", new RetentionPolicy(12));
    private final LegalClock clock = new LegalClock(Regime.GDPR, ZoneId.of("Europe/Brussels"));

    private DsarRequest pending() {
        return new DsarRequest("r-1", RequestType.RECTIFICATION, RequestStatus.PENDING_VERIFICATION, "site", "Ann@Example.org",
                "hash", "nl", Map.of("city", "Gent"), List.of("c-12345678"), RECEIVED, clock.deadlineFor(RECEIVED),
                "tokenhash", RECEIVED.plus(Duration.ofHours(72)), null, null, null, null, null, null,
                List.of(new AuditEntry(RECEIVED, "subject", "receive", "none", "pending_verification", "intake")), 1);
    }

    @Test
    void shouldExpireUnverifiedRequestWithItsLink() {
        Map<String, AttributeValue> item = store.toItem(pending(), RECEIVED);

        assertThat(item.get(RetentionPolicy.TTL_ATTRIBUTE).n())
                .isEqualTo(Long.toString(RECEIVED.plus(Duration.ofHours(72)).getEpochSecond()));
        assertThat(item.get(RetentionPolicy.RULE_ATTRIBUTE).s()).isEqualTo("unverified_request_72h");
        assertThat(item).doesNotContainKey("openPk");
    }

    @Test
    void shouldKeepVerifiedRecord24MonthsFromItsLastChange_andIndexItAsOpen() {
        Instant verifiedAt = RECEIVED.plus(Duration.ofHours(2));
        DsarRequest verified = pending().verified(verifiedAt, "statushash");

        Map<String, AttributeValue> item = store.toItem(verified, verifiedAt);

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
                .dispatched(at);

        DsarRequest copy = RequestStore.fromItem(store.toItem(original, at));

        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
        assertThat(copy.audit()).extracting(AuditEntry::action).containsExactly("receive", "verify", "extend");
    }

    @Test
    void shouldDropFromOpenIndex_whenClosed() {
        Instant at = RECEIVED.plusSeconds(60);
        DsarRequest closed = pending().verified(at, "s").transition(RequestStatus.COMPLETED, at, "bob", "complete", "done");

        assertThat(store.toItem(closed, at)).doesNotContainKey("openPk");
        assertThat(closed.closedAt()).isEqualTo(at);
        assertThat(closed.remindersSent()).isEqualTo(Set.of());
    }
}
