package io.privacysuite.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import io.privacysuite.core.Json;
import io.privacysuite.notify.Notification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NotifierHandlerTest {
    private static SQSEvent event(String file) {
        return EventLoader.loadSQSEvent(Path.of("../../events/notifier", file).toString());
    }

    @Test
    void shouldReportOnlyTransientFailures_soSqsRetriesThoseAlone() {
        // A sendable message whose send fails (here: no service at all) is retried by SQS.
        NotifierHandler handler = new NotifierHandler((NotifierService) null,
                new io.privacysuite.core.Metrics("test", System.out, Clock.systemUTC()));

        SQSBatchResponse response = handler.handleRequest(event("verification-email.json"), null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event("verification-email.json").getRecords().get(0).getMessageId());
    }

    @Test
    void shouldRenderTheSampleVerificationEventIntoMime() throws Exception {
        NotifierService service = new NotifierService(null, new TemplateRenderer(),
                new MimeMessages("privacy@privacysuite.example"), null, null, null, Clock.systemUTC());
        Notification verify = Json.MAPPER.readValue(event("verification-email.json").getRecords().get(0).getBody(),
                Notification.class);

        String raw = new String(service.render(verify, null, Instant.EPOCH), StandardCharsets.UTF_8);

        assertThat(raw).contains("Subject: =?UTF-8?").contains("multipart/alternative").contains("Auto-Submitted");
    }

    @Test
    void shouldRefuseATemplateNameTheNotifierDoesNotHave_asNeverSendable() {
        NotifierService service = new NotifierService(null, new TemplateRenderer(),
                new MimeMessages("privacy@privacysuite.example"), null, null, null, Clock.systemUTC());

        for (String name : java.util.List.of("no_such_template", "../layout.html", "layout")) {
            Notification n = new Notification("n-1", Notification.TRANSACTIONAL, name, "en", "ann@example.org", null,
                    java.util.Map.of(), "ref");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> service.render(n, null, Instant.EPOCH))
                    .isInstanceOf(NotifierService.InvalidNotificationException.class).hasMessage("unknown template");
        }
    }

    @Test
    void aSuppressedNoticeShouldBeRecordedOnce_soItsCampaignCountsItOnce_whateverIsRedelivered() {
        io.privacysuite.fixtures.InMemoryEmailPreferences preferences = new io.privacysuite.fixtures.InMemoryEmailPreferences();
        preferences.suppress(io.privacysuite.notify.EmailAddresses.hash("gone@example.org"), "bounce", "test", Instant.EPOCH);
        NotifierService service = new NotifierService(preferences, new TemplateRenderer(),
                new MimeMessages("privacy@privacysuite.example"), null, null, null, Clock.systemUTC());
        Notification notice = Notification.notice("notice-breach-1-abc", io.privacysuite.notify.EmailTemplate.BREACH_NOTICE,
                "fr", "gone@example.org", java.util.Map.of("nature", "n"), "breach-1");

        assertThat(service.send(notice)).isEqualTo(NotifierService.Outcome.SUPPRESSED);
        assertThat(service.send(notice)).isEqualTo(NotifierService.Outcome.DUPLICATE);

        assertThat(preferences.campaignProgress("breach-1")).containsEntry("suppressed", 1L).containsEntry("sent", 0L);
        assertThat(preferences.ledgerState("notice-breach-1-abc")).isEqualTo("suppressed");
    }

    @Test
    void aBreachNoticeShouldRenderInThePersonsLanguage_withItsOwnFooter() {
        TemplateRenderer.Rendered fr = new TemplateRenderer().render(io.privacysuite.notify.EmailTemplate.BREACH_NOTICE,
                "fr", java.util.Map.of("nature", "Fuite", "whatYouCanDo", "Changez votre mot de passe"), null, false);

        assertThat(fr.subject()).contains("incident de sécurité");
        assertThat(fr.text()).contains("Fuite", "Changez votre mot de passe", "La loi nous oblige")
                .doesNotContain("une demande que vous avez faite");
    }
}
