package io.privacysuite.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailPreferencesStateTest {
    static final Notification NEWSLETTER = new Notification("1", Notification.MARKETING, "newsletter", "en",
            "ann@example.org", "newsletter", Map.of(), null);
    static final Notification RECEIPT = new Notification("2", Notification.TRANSACTIONAL, "request_completed", "en",
            "ann@example.org", null, Map.of(), null);

    @Test
    void objectionToDirectMarketing_shouldBlockEveryMarketingMail_butNotTransactionalOnes() {
        EmailPreferences.State objected = new EmailPreferences.State(false, List.of(), true, false);

        assertThat(objected.blocks(NEWSLETTER)).isTrue();
        assertThat(objected.blocks(RECEIPT)).isFalse();
    }

    @Test
    void restriction_shouldStopMarketing_andNothingElse() {
        EmailPreferences.State restricted = new EmailPreferences.State(false, List.of(), false, true);
        EmailPreferences.State none = new EmailPreferences.State(false, List.of());

        assertThat(restricted.blocks(NEWSLETTER)).isTrue();
        assertThat(restricted.blocks(RECEIPT)).isFalse();
        assertThat(none.blocks(NEWSLETTER)).isFalse();
    }
}
