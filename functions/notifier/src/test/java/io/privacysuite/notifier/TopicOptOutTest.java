package io.privacysuite.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.fixtures.InMemoryEmailPreferences;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.Notification;
import io.privacysuite.notify.UnsubscribeLinks;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.SendRawEmailRequest;
import software.amazon.awssdk.services.ses.model.SendRawEmailResponse;

/** The notifier honours each topic's opt-out on its own: an opted-out topic is not sent, an opted-in one is. */
class TopicOptOutTest {
    static final String ANN = "ann@example.org";
    static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    final InMemoryEmailPreferences preferences = new InMemoryEmailPreferences();
    final List<String> sent = new ArrayList<>();
    final UnsubscribeLinks links = new UnsubscribeLinks("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
            "https://privacy.example.com");
    final NotifierService service = new NotifierService(preferences, new TemplateRenderer(),
            new MimeMessages("privacy@privacysuite.example"), links, ses(), null, Clock.fixed(NOW, ZoneOffset.UTC));

    /** An SES client that keeps the raw messages it is asked to send. */
    @SuppressWarnings("unchecked")
    private SesClient ses() {
        return (SesClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SesClient.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sendRawEmail") && args.length == 1 && args[0] instanceof Consumer<?> c) {
                        SendRawEmailRequest.Builder b = SendRawEmailRequest.builder();
                        ((Consumer<SendRawEmailRequest.Builder>) c).accept(b);
                        sent.add(b.build().rawMessage().data().asUtf8String());
                        return SendRawEmailResponse.builder().messageId("m-" + sent.size()).build();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Notification mail(String id, String topic) {
        return new Notification(id, Notification.MARKETING, "newsletter", "de", ANN, topic,
                Map.of("title", "News " + topic, "text", "Hello", "siteId", "demo-shop"), "ref");
    }

    @Test
    void anOptedOutTopicShouldNotBeSent_whileAnotherTopicStillIs() {
        preferences.optOut(EmailAddresses.hash(ANN), "newsletter", "preferences_page", NOW);

        assertThat(service.send(mail("n-1", "newsletter"))).isEqualTo(NotifierService.Outcome.OPTED_OUT);
        assertThat(service.send(mail("n-2", "product_updates"))).isEqualTo(NotifierService.Outcome.SENT);

        assertThat(sent).hasSize(1);
        assertThat(sent.get(0)).contains("News product_updates");
    }

    @Test
    void aTopicOptedIntoAgainShouldBeSentAgain_andAllShouldCoverEveryTopic() {
        String hash = EmailAddresses.hash(ANN);
        preferences.optOut(hash, "newsletter", "one_click_unsubscribe", NOW);
        preferences.optIn(hash, "newsletter", "preferences_page", NOW);
        assertThat(service.send(mail("n-3", "newsletter"))).isEqualTo(NotifierService.Outcome.SENT);

        preferences.optOut(hash, "all", "preferences_page", NOW);
        assertThat(service.send(mail("n-4", "newsletter"))).isEqualTo(NotifierService.Outcome.OPTED_OUT);
        assertThat(service.send(mail("n-5", "product_updates"))).isEqualTo(NotifierService.Outcome.OPTED_OUT);
        assertThat(sent).hasSize(1);
    }

    @Test
    void aMarketingMailShouldLinkItsSignedPreferencesPage_inItsLanguage_forItsSite() {
        service.send(mail("n-6", "newsletter"));

        String raw = sent.get(0).replaceAll("=\r?\n", "").replace("=3D", "=");
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("https://privacy\\.example\\.com/v1/email/preferences\\?token=([^&\"\\s<]+)&(amp;)?lang=de").matcher(raw);
        assertThat(m.find()).as(raw).isTrue();
        UnsubscribeLinks.PreferencesCheck check = links.verifyPreferences(
                java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), NOW);
        assertThat(check.check()).isEqualTo(UnsubscribeLinks.Check.VALID);
        assertThat(check.target()).isEqualTo(new UnsubscribeLinks.PreferencesTarget(EmailAddresses.hash(ANN), "demo-shop"));
        assertThat(raw).contains("welche E-Mails Sie erhalten");
    }
}
