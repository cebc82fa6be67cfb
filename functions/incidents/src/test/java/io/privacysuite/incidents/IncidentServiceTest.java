package io.privacysuite.incidents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.core.Json;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.retention.DataCategory;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.fixtures.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IncidentServiceTest {
    static final Instant AWARE = Instant.parse("2026-11-20T08:00:00Z");
    final MutableClock clock = new MutableClock(AWARE.plus(Duration.ofHours(2)));
    final InMemoryIncidentStore store = new InMemoryIncidentStore();
    final IncidentService service = new IncidentService(store, clock);

    static ObjectNode openEvent() throws Exception {
        return (ObjectNode) Json.read("""
                {"action":"openIncident","operator":"alice","awareAt":"2026-11-20T08:00:00Z",
                 "title":"Support mailbox exposed","nature":"A misconfigured share exposed support tickets.",
                 "dataCategories":["names","email addresses"],"subjectCategories":["customers"],
                 "approxSubjects":1200,"approxRecords":3400,"consequences":"Phishing risk.",
                 "measures":"Share closed; passwords reset.","contact":"dpo@example.com","highRisk":true}""");
    }

    static ObjectNode with(ObjectNode node, String field, Object value) {
        ObjectNode copy = node.deepCopy();
        copy.set(field, Json.MAPPER.valueToTree(value));
        return copy;
    }

    @Test
    void shouldOpenAnIncidentWithTheArt33Content_andAuditWhoOpenedIt() throws Exception {
        Incident incident = service.open(openEvent());

        assertThat(incident.details().approxSubjects()).isEqualTo(1200);
        assertThat(incident.details().dataCategories()).containsExactly("names", "email addresses");
        assertThat(incident.authorityDeadline()).isEqualTo(Instant.parse("2026-11-23T08:00:00Z"));
        assertThat(store.trail(incident.incidentId())).singleElement().satisfies(c -> {
            assertThat(c.actor()).isEqualTo("alice");
            assertThat(c.action()).isEqualTo("opened");
            assertThat(c.at()).isEqualTo(clock.instant());
            assertThat(c.what()).containsEntry("nature", "A misconfigured share exposed support tickets.");
        });
    }

    @Test
    void shouldRefuseAnIncompleteOrHostileIncident_namingEveryField() throws Exception {
        ObjectNode bad = openEvent();
        bad.remove("contact");
        bad.put("approxSubjects", -1);
        bad.put("title", "bad\u0000title");
        bad.put("awareAt", "2027-01-01T00:00:00Z");
        bad.set("dataCategories", Json.MAPPER.createArrayNode());

        assertThatThrownBy(() -> service.open(bad)).isInstanceOfSatisfying(DomainException.class, e ->
                assertThat(e.fieldErrors()).containsOnlyKeys("contact", "approxSubjects", "title", "awareAt",
                        "dataCategories"));
        assertThat(store.incidents).isEmpty();
    }

    @Test
    void shouldAppendEachAmendmentToTheTrail_withOnlyTheFieldsThatChanged() throws Exception {
        Incident incident = service.open(openEvent());
        clock.advance(Duration.ofHours(1));

        Incident amended = service.amend((ObjectNode) Json.read("{\"incidentId\":\"" + incident.incidentId()
                + "\",\"operator\":\"bob\",\"approxSubjects\":1500,\"measures\":\"Share closed; passwords reset.\"}"));

        assertThat(amended.version()).isEqualTo(2);
        assertThat(amended.details().approxSubjects()).isEqualTo(1500);
        assertThat(store.trail(incident.incidentId())).hasSize(2).last().satisfies(c -> {
            assertThat(c.actor()).isEqualTo("bob");
            assertThat(c.what()).containsExactly(java.util.Map.entry("approxSubjects", "1500"));
        });
        assertThatThrownBy(() -> service.amend((ObjectNode) Json.read("{\"incidentId\":\"" + incident.incidentId()
                + "\",\"operator\":\"bob\",\"approxSubjects\":1500}"))).isInstanceOf(DomainException.class);
    }

    @Test
    void shouldRecordATimelyNotificationWithoutReasons_andRefuseASecondOne() throws Exception {
        Incident incident = service.open(openEvent());
        clock.advance(Duration.ofHours(30));
        JsonNode record = Json.read("{\"incidentId\":\"" + incident.incidentId()
                + "\",\"operator\":\"alice\",\"reference\":\"CNIL-2026-0042\"}");

        Incident notified = service.recordAuthorityNotification(record);

        assertThat(notified.authorityNotification().reference()).isEqualTo("CNIL-2026-0042");
        assertThat(notified.authorityNotification().notifiedAt()).isEqualTo(clock.instant());
        assertThat(notified.authorityNotification().lateReasons()).isNull();
        assertThat(store.trail(incident.incidentId()).getLast().action()).isEqualTo("authority_notified");
        assertThatThrownBy(() -> service.recordAuthorityNotification(record))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.code()).isEqualTo("already_notified"));
    }

    @Test
    void shouldRequireReasonsForANotificationAfter72Hours() throws Exception {
        Incident incident = service.open(openEvent());
        clock.set(AWARE.plus(Duration.ofHours(80)));
        String base = "{\"incidentId\":\"" + incident.incidentId() + "\",\"operator\":\"alice\",\"reference\":\"R-1\"";

        assertThatThrownBy(() -> service.recordAuthorityNotification(Json.read(base + "}")))
                .isInstanceOfSatisfying(DomainException.class,
                        e -> assertThat(e.fieldErrors()).containsOnlyKeys("lateReasons"));
        // Sent in time but recorded late: no reasons needed.
        Incident inTime = service.recordAuthorityNotification(Json.read(base + ",\"notifiedAt\":\"2026-11-23T07:59:00Z\"}"));
        assertThat(inTime.authorityNotification().late(AWARE)).isFalse();

        Incident other = service.open(openEvent());
        Incident late = service.recordAuthorityNotification(Json.read("{\"incidentId\":\"" + other.incidentId()
                + "\",\"operator\":\"alice\",\"reference\":\"R-2\",\"lateReasons\":\"Forensics took four days.\"}"));
        assertThat(late.authorityNotification().lateReasons()).isEqualTo("Forensics took four days.");
        assertThat(store.trail(other.incidentId()).getLast().what()).containsEntry("late", "true")
                .containsEntry("lateReasons", "Forensics took four days.");
    }

    @Test
    void shouldDraftTheAuthorityNotificationFromTheIncident_askingForReasonsWhenLate() throws Exception {
        Incident incident = service.open(openEvent());
        JsonNode id = Json.read("{\"incidentId\":\"" + incident.incidentId() + "\"}");

        AuthorityDraft draft = service.draft(id);
        assertThat(draft.late()).isFalse();
        assertThat(draft.text()).contains("Support mailbox exposed", "names, email addresses", "customers", "1200",
                "3400", "dpo@example.com", "Phishing risk.", "passwords reset", "2026-11-23T08:00:00Z")
                .doesNotContain("Reasons for the delay");

        clock.set(AWARE.plus(Duration.ofHours(73)));
        assertThat(service.draft(id).text()).contains("Reasons for the delay", "[required");
    }

    @Test
    void shouldAnswerNotFound_forUnknownOrMalformedIds() throws Exception {
        assertThatThrownBy(() -> service.get(Json.read("{\"incidentId\":\"../x\"}")))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.kind()).isEqualTo(DomainException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> service.get(Json.read("{\"incidentId\":\"" + java.util.UUID.randomUUID() + "\"}")))
                .isInstanceOf(DomainException.class);
    }

    @Test
    void breachRecordsShouldFollowTheirOwnRetentionRule() throws Exception {
        RetentionPolicy policy = new RetentionPolicy(12);
        Instant opened = Instant.parse("2026-11-20T08:00:00Z");
        assertThat(policy.stampFor(DataCategory.BREACH_RECORD, opened).expiresAt())
                .isEqualTo(Instant.parse("2031-11-20T08:00:00Z"));
        assertThat(policy.ruleName(DataCategory.BREACH_RECORD)).isEqualTo("breach_register_5y");
        assertThat(RetentionPolicy.from(io.privacysuite.core.Env.of(java.util.Map.of("BREACH_RECORD_YEARS", "7")))
                .ruleName(DataCategory.BREACH_RECORD)).isEqualTo("breach_register_7y");
    }
}
