package io.privacysuite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UnsubscribeLinksTest {
    private final UnsubscribeLinks links = new UnsubscribeLinks("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8),
            "https://api.example.com/");
    private final String hash = EmailAddresses.hash("ann@example.org");

    @Test
    void shouldRoundTripTarget_andBuildHttpsUrl() {
        assertThat(links.verify(links.token(hash, "newsletter"))).contains(new UnsubscribeLinks.Target(hash, "newsletter"));
        assertThat(links.url(hash, "newsletter")).startsWith("https://api.example.com/v1/email/unsubscribe?token=" + hash);
    }

    @Test
    void shouldRejectTamperedTopicOrAddress() {
        String token = links.token(hash, "newsletter");

        assertThat(links.verify(token.replace("newsletter", "all"))).isEmpty();
        assertThat(links.verify(EmailAddresses.hash("bob@example.org") + token.substring(64))).isEmpty();
        assertThat(links.verify("garbage")).isEmpty();
        assertThat(links.verify(null)).isEmpty();
    }

    @Test
    void shouldBlockMarketingButNotTransactional_whenOptedOut_andEverythingWhenSuppressed() {
        Notification marketing = new Notification("1", Notification.MARKETING, "newsletter", "en", "a@b.org",
                "newsletter", null, null);
        Notification transactional = new Notification("2", Notification.TRANSACTIONAL, "request_verify", "en",
                "a@b.org", null, null, null);
        EmailPreferences.State optedOut = new EmailPreferences.State(false, java.util.List.of("newsletter"));
        EmailPreferences.State optedOutAll = new EmailPreferences.State(false, java.util.List.of("all"));
        EmailPreferences.State suppressed = new EmailPreferences.State(true, java.util.List.of());

        assertThat(optedOut.blocks(marketing)).isTrue();
        assertThat(optedOutAll.blocks(marketing)).isTrue();
        assertThat(optedOut.blocks(transactional)).isFalse();
        assertThat(suppressed.blocks(transactional)).isTrue();
    }
}
