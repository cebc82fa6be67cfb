package io.privacysuite.incidents;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.fixtures.InMemoryEmailPreferences;
import io.privacysuite.fixtures.MutableClock;
import io.privacysuite.notify.NoticeCampaign;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncidentsAdminHandlerTest {
    final MutableClock clock = new MutableClock(IncidentServiceTest.AWARE.plus(Duration.ofHours(1)));
    final InMemoryIncidentStore store = new InMemoryIncidentStore();
    final List<NoticeCampaign> pages = new ArrayList<>();
    final AudienceReader audiences = new StoredAudiences(null, "unused", new InMemoryAccountContacts());
    final IncidentsAdminHandler handler = new IncidentsAdminHandler(new IncidentService(store, clock),
            new BreachNotices(store, audiences, (page, delay) -> pages.add(page), new InMemoryEmailPreferences(), clock));

    JsonNode run(Object event) {
        return Json.MAPPER.valueToTree(handler.handleRequest(Json.MAPPER.convertValue(event, Map.class), null));
    }

    @Test
    void everyActionShouldAnswerPlainJson_withTheClockAndTrail() throws Exception {
        JsonNode opened = run(IncidentServiceTest.openEvent());
        String id = opened.path("incidentId").asText();

        assertThat(opened.at("/details/awareAt").asText()).isEqualTo("2026-11-20T08:00:00Z");
        assertThat(opened.at("/clock/authorityDeadline").asText()).isEqualTo("2026-11-23T08:00:00Z");
        assertThat(opened.at("/clock/overdue").asBoolean()).isFalse();
        JsonNode notified = run(Map.of("action", "recordAuthorityNotification", "incidentId", id, "operator", "a",
                "reference", "R-9"));
        assertThat(notified.at("/authorityNotification/reference").asText()).isEqualTo("R-9");
        JsonNode shown = run(Map.of("action", "incident", "incidentId", id));
        assertThat(shown.at("/audit/0/at").asText()).isEqualTo(clock.instant().toString());
        assertThat(shown.at("/audit/1/action").asText()).isEqualTo("authority_notified");
        assertThat(run(Map.of("action", "breachRegister")).path("count").asInt()).isEqualTo(1);
        assertThat(run(Map.of("action", "draftAuthorityNotification", "incidentId", id)).path("text").asText())
                .contains("Notification of a personal data breach");
    }

    @Test
    void notifyAffected_shouldQueueTheFirstPageWithTheArt34Content_andAuditIt() throws Exception {
        String id = run(IncidentServiceTest.openEvent()).path("incidentId").asText();

        JsonNode started = run(Map.of("action", "notifyAffected", "incidentId", id, "operator", "alice",
                "audience", Map.of("addresses", List.of("ann@example.org", Map.of("email", "bob@example.org",
                        "locale", "de"))), "whatYouCanDo", "Change your password.", "defaultLocale", "nl"));

        assertThat(started.path("campaign").asText()).isEqualTo("breach-" + id);
        assertThat(pages).singleElement().satisfies(page -> {
            assertThat(page.template()).isEqualTo("breach_notice");
            assertThat(page.defaultLocale()).isEqualTo("nl");
            assertThat(page.audience().addresses()).hasSize(2);
            assertThat(page.data()).containsEntry("whatYouCanDo", "Change your password.")
                    .containsEntry("contact", "dpo@example.com").containsEntry("incidentRef", id)
                    .containsKeys("nature", "dataCategories", "consequences", "measures");
        });
        assertThat(store.trail(id).getLast().action()).isEqualTo("people_notice_started");
        assertThat(store.trail(id).getLast().what()).containsEntry("audience", "2 address(es) given inline")
                .doesNotContainValue("ann@example.org");
        JsonNode refused = run(Map.of("action", "notifyAffected", "incidentId", id, "operator", "alice",
                "audience", Map.of("addresses", List.of("not an address")), "defaultLocale", "xx"));
        assertThat(refused.at("/error/fields").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("audience", "whatYouCanDo", "defaultLocale");
        assertThat(pages).hasSize(1);
    }
}
