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

    @Test
    void aPreferencesTokenShouldHold_untilItExpires_andNotWhenTamperedOrOfTheOtherKind() {
        UnsubscribeLinks links = new UnsubscribeLinks("0123456789abcdef0123456789abcdef".getBytes(), "https://api.example.com/");
        String hash = "a".repeat(64);
        java.time.Instant now = java.time.Instant.parse("2026-11-29T12:00:00Z");
        String token = links.preferencesToken(hash, "demo-shop", now.plusSeconds(60));

        assertThat(links.verifyPreferences(token, now).check()).isEqualTo(UnsubscribeLinks.Check.VALID);
        assertThat(links.verifyPreferences(token, now).target()).isEqualTo(new UnsubscribeLinks.PreferencesTarget(hash, "demo-shop"));
        assertThat(links.verifyPreferences(token, now.plusSeconds(61)).check()).isEqualTo(UnsubscribeLinks.Check.EXPIRED);
        assertThat(links.verifyPreferences(token.replace("demo-shop", "other-shop"), now).check())
                .isEqualTo(UnsubscribeLinks.Check.INVALID);
        String later = token.replace("." + now.plusSeconds(60).getEpochSecond() + ".", "." + now.plusSeconds(9999).getEpochSecond() + ".");
        assertThat(links.verifyPreferences(later, now).check()).isEqualTo(UnsubscribeLinks.Check.INVALID);
        assertThat(links.verifyPreferences(links.token(hash, "newsletter"), now).check()).isEqualTo(UnsubscribeLinks.Check.INVALID);
        assertThat(links.verify(token)).isEmpty();
        assertThat(links.verifyPreferences(null, now).check()).isEqualTo(UnsubscribeLinks.Check.INVALID);
        assertThat(links.preferencesUrl(hash, null, now)).startsWith("https://api.example.com/v1/email/preferences?token=" + hash + ".p.-.");
    }
}
